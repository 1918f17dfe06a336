/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state directory: ids, --root checks, state.json written atomically
 * and read back, status from the recorded pid and start time (robust to a
 * reused pid and to zombies), signals through a pidfd, locking, removal,
 * listing, and the state JSON of the specification. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "oci-harness.h"
#include "oci/state.h"

static int root_fd = -1;

static void setup(void)
{
	oci_setup();
	ck_assert_int_eq(chmod(scratch, 0700), 0);
	ck_assert_int_eq(nsb_oci_root_open(scratch, false, &root_fd), 0);
}

static void teardown(void)
{
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
	oci_teardown();
}

static void fill(struct nsb_oci_state *st, const char *id)
{
	*st = (struct nsb_oci_state){0};
	st->id = strdup(id);
	st->bundle = strdup("/b \"q\"");
	st->rootfs = strdup("/b/rootfs");
	st->oci_version = strdup("1.0.2-dev");
	st->created = strdup("2024-01-02T03:04:05.000000006Z");
	st->phase = NSB_OCI_PHASE_STARTED;
	st->owner = 1000;
	st->annotations.v = calloc(2, sizeof(*st->annotations.v));
	st->annotations.v[0].key = strdup("z.first");
	st->annotations.v[0].value = strdup("1");
	st->annotations.v[1].key = strdup("a.second");
	st->annotations.v[1].value = strdup("two\nlines");
	st->annotations.n = 2;
}

START_TEST(test_ids)
{
	static const struct {
		const char *id, *msg;
	} bad[] = {
	        {"", "nsbox-oci: container id must not be empty\n"},
	        {".", "nsbox-oci: container id '.': not allowed\n"},
	        {"..", "nsbox-oci: container id '..': not allowed\n"},
	        {"a/b", "nsbox-oci: container id 'a/b': only letters, digits and _ + - . are "
	                "allowed\n"},
	        {"a b", "nsbox-oci: container id 'a b': only letters, digits and _ + - . are "
	                "allowed\n"},
	        {"x~1", "nsbox-oci: container id 'x~1': only letters, digits and _ + - . are "
	                "allowed\n"},
	};
	char longid[NSB_OCI_ID_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset_log();
		ck_assert_int_eq(nsb_oci_id_check(bad[i].id), -EINVAL);
		ck_assert_str_eq(logged(), bad[i].msg);
	}
	ck_assert_int_eq(nsb_oci_id_check("abc-DEF_1.2+3"), 0);
	ck_assert_int_eq(nsb_oci_id_check(".hidden"), 0);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ck_assert_int_eq(nsb_oci_id_check(longid), -EINVAL);
	longid[NSB_OCI_ID_MAX] = '\0';
	ck_assert_int_eq(nsb_oci_id_check(longid), 0);
}
END_TEST

START_TEST(test_root_checks)
{
	char *deep = fmt("%s/a/b/c", scratch), *open_dir = fmt("%s/open", scratch);
	struct stat st;
	int fd;

	ck_assert_int_eq(nsb_oci_root_open(deep, false, &fd), -ENOENT);
	ck_assert_str_eq(logged(), "");
	ck_assert_int_eq(nsb_oci_root_open(deep, true, &fd), 0);
	close(fd);
	ck_assert_int_eq(stat(deep, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(mkdir(open_dir, 0700), 0);
	ck_assert_int_eq(chmod(open_dir, 0777), 0);
	reset_log();
	ck_assert_int_eq(nsb_oci_root_open(open_dir, false, &fd), -EPERM);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: --root '%s': writable by group or others "
	                                "(mode 0777)\n",
	                                open_dir));
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(open_dir, 0700), 0);
		ck_assert_int_eq(chown(open_dir, 65534, 65534), 0);
		reset_log();
		ck_assert_int_eq(nsb_oci_root_open(open_dir, false, &fd), -EPERM);
		ck_assert_str_eq(logged(),
		                 tfmt("nsbox-oci: --root '%s': owned by uid 65534, not by "
		                      "uid 0\n",
		                      open_dir));
	}
	reset_log();
	ck_assert_int_eq(nsb_oci_root_open("", true, &fd), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: --root: the state directory must not be empty\n");
	free(deep);
	free(open_dir);
}
END_TEST

START_TEST(test_root_default)
{
	char *d = NULL;
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		setenv("XDG_RUNTIME_DIR", "/run/user/77", 1);
		ck_assert_int_eq(nsb_oci_root_default(&d), 0);
		ck_assert_str_eq(d, "/run/user/77/nsbox-oci");
		free(d);
		return;
	}
	unsetenv("XDG_RUNTIME_DIR");
	ck_assert_int_eq(nsb_oci_root_default(&d), 0);
	ck_assert_str_eq(d, "/run/nsbox-oci");
	free(d);
	/* An unprivileged user. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		reset_log();
		if (nsb_oci_root_default(&d) != -EINVAL ||
		    strcmp(logged(), "nsbox-oci: XDG_RUNTIME_DIR is not set: give the state "
		                     "directory with --root DIR\n") != 0)
			_exit(3);
		setenv("XDG_RUNTIME_DIR", "/run/user/65534", 1);
		if (nsb_oci_root_default(&d) != 0 || strcmp(d, "/run/user/65534/nsbox-oci") != 0)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
}
END_TEST

START_TEST(test_roundtrip)
{
	struct nsb_oci_state st, back;
	struct stat sb;
	int dir, dir2;
	DIR *d;
	struct dirent *de;
	int files = 0;

	fill(&st, "c1");
	st.pid = 1234;
	st.pid_start = 98765;
	st.runtime_pid = 55;
	st.runtime_start = 66;
	st.paused = true;
	st.cgroup_path = strdup("/machine.slice/libpod-c1.scope");
	ck_assert_int_eq(nsb_oci_container_new(root_fd, "c1", &dir), 0);
	ck_assert_int_eq(nsb_oci_state_write(dir, &st), 0);
	ck_assert_int_eq(fstatat(dir, "state.json", &sb, 0), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(fstatat(root_fd, "c1", &sb, 0), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	/* Only state.json: no temporary file left. */
	d = fdopendir(dup(dir));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			files++;
		else
			ck_assert(strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0);
	closedir(d);
	ck_assert_int_eq(files, 1);

	ck_assert_int_eq(nsb_oci_container_open(root_fd, "c1", 0, &dir2, &back), 0);
	ck_assert_str_eq(back.id, "c1");
	ck_assert_str_eq(back.bundle, "/b \"q\"");
	ck_assert_str_eq(back.rootfs, "/b/rootfs");
	ck_assert_str_eq(back.oci_version, "1.0.2-dev");
	ck_assert_str_eq(back.created, st.created);
	ck_assert_int_eq(back.phase, NSB_OCI_PHASE_STARTED);
	ck_assert_int_eq(back.pid, 1234);
	ck_assert(back.pid_start == 98765);
	ck_assert_int_eq(back.runtime_pid, 55);
	ck_assert(back.runtime_start == 66);
	ck_assert(back.paused);
	ck_assert_int_eq(back.owner, 1000);
	ck_assert_str_eq(back.cgroup_path, "/machine.slice/libpod-c1.scope");
	ck_assert_uint_eq(back.annotations.n, 2);
	ck_assert_str_eq(back.annotations.v[0].key, "z.first");
	ck_assert_str_eq(back.annotations.v[1].value, "two\nlines");
	nsb_oci_state_free(&back);
	close(dir2);

	reset_log();
	ck_assert_int_eq(nsb_oci_container_new(root_fd, "c1", &dir2), -EEXIST);
	ck_assert_str_eq(logged(), "nsbox-oci: container 'c1' already exists\n");
	reset_log();
	ck_assert_int_eq(nsb_oci_container_open(root_fd, "nope", 0, &dir2, &back), -ENOENT);
	ck_assert_str_eq(logged(), "nsbox-oci: container 'nope' does not exist\n");
	nsb_oci_state_free(&st);
	close(dir);
}
END_TEST

START_TEST(test_damaged_state)
{
	struct nsb_oci_state back;
	char *p;
	int dir;

	ck_assert_int_eq(nsb_oci_container_new(root_fd, "bad", &dir), 0);
	p = write_scratch("bad/state.json", "{\"id\": \"bad\", \"phase\": \"running\"}", 0600);
	free(p);
	reset_log();
	ck_assert_int_eq(nsb_oci_state_read(dir, "bad/state.json", &back), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: bad/state.json: missing 'bundle'\n");
	p = write_scratch("bad/state.json",
	                  "{\"id\": \"other\", \"bundle\": \"/b\", \"rootfs\": "
	                  "\"/r\", \"created\": \"x\", \"phase\": \"created\", "
	                  "\"pid\": 1, \"pidStart\": 1, \"runtimePid\": 0, "
	                  "\"runtimeStart\": 0, \"owner\": 0}",
	                  0600);
	free(p);
	reset_log();
	ck_assert_int_eq(nsb_oci_container_open(root_fd, "bad", 0, &dir, &back), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: container 'bad': its state names 'other'\n");
}
END_TEST

/* A writer rewrites the state while the reader reads it: every read
 * parses and is one of the versions written. */
START_TEST(test_atomic)
{
	struct nsb_oci_state st;
	int dir, status;
	pid_t pid;

	fill(&st, "atom");
	ck_assert_int_eq(nsb_oci_container_new(root_fd, "atom", &dir), 0);
	ck_assert_int_eq(nsb_oci_state_write(dir, &st), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < 1500; i++) {
			free(st.bundle);
			st.bundle = fmt("/bundle/%d/%0*d", i, (i % 7) * 300, 0);
			st.pid = i;
			if (nsb_oci_state_write(dir, &st) < 0)
				_exit(1);
		}
		_exit(0);
	}
	for (int i = 0; i < 1500; i++) {
		struct nsb_oci_state back;
		char want[64];

		ck_assert_int_eq(nsb_oci_state_read(dir, "atom", &back), 0);
		if (back.pid > 0 || strncmp(back.bundle, "/bundle/", 8) == 0) {
			snprintf(want, sizeof(want), "/bundle/%d/", back.pid);
			ck_assert_msg(strncmp(back.bundle, want, strlen(want)) == 0, "torn: %d %s",
			              back.pid, back.bundle);
		}
		nsb_oci_state_free(&back);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	nsb_oci_state_free(&st);
	close(dir);
}
END_TEST

static pid_t sleeper(void)
{
	int p[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Not Check's handlers (they signal the whole process
		 * group): this child must just die. */
		signal(SIGTERM, SIG_DFL);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

START_TEST(test_status_and_pid_reuse)
{
	struct nsb_oci_state st;
	uint64_t start;
	char state;
	pid_t pid = sleeper(), gone;
	int status;

	fill(&st, "s");
	ck_assert_int_eq(nsb_oci_proc_start(pid, &start, &state), 0);
	st.pid = pid;
	st.pid_start = start;
	st.phase = NSB_OCI_PHASE_CREATED;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_CREATED);
	st.phase = NSB_OCI_PHASE_STARTED;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_RUNNING);
	st.paused = true;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_PAUSED);
	st.paused = false;
	/* The same pid with another start time is another process: the
	 * container has stopped, and nothing may be signalled. */
	st.pid_start = start + 1;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_STOPPED);
	ck_assert_int_eq(nsb_oci_state_kill(&st, SIGKILL), -ESRCH);
	ck_assert_int_eq(kill(pid, 0), 0);
	st.pid_start = start;

	/* Creating: alive while the process or the creating runtime lives. */
	st.phase = NSB_OCI_PHASE_CREATING;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_CREATING);
	st.pid = 0;
	st.runtime_pid = getpid();
	ck_assert_int_eq(nsb_oci_proc_start(getpid(), &st.runtime_start, NULL), 0);
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_CREATING);
	st.runtime_start++;
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_STOPPED);

	/* Signals go through a pidfd to the recorded process. */
	st.pid = pid;
	st.phase = NSB_OCI_PHASE_STARTED;
	ck_assert_int_eq(nsb_oci_state_kill(&st, SIGTERM), 0);
	/* Unreaped, it is a zombie: stopped already. */
	for (int i = 0; i < 500; i++) {
		if (nsb_oci_proc_start(pid, &start, &state) == 0 && state == 'Z')
			break;
		nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
	ck_assert_int_eq(state, 'Z');
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_STOPPED);
	ck_assert_int_eq(nsb_oci_state_kill(&st, SIGTERM), -ESRCH);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	ck_assert_int_eq(nsb_oci_state_status(&st), NSB_OCI_STOPPED);
	ck_assert_int_eq(nsb_oci_proc_start(pid, &start, NULL), -ESRCH);
	gone = pid;
	ck_assert_int_eq(nsb_oci_state_kill(&st, SIGTERM), -ESRCH);
	(void)gone;
	nsb_oci_state_free(&st);
}
END_TEST

static int prctl_set_name(const char *name)
{
	return prctl(PR_SET_NAME, name, 0, 0, 0);
}

START_TEST(test_proc_start_parses_odd_names)
{
	uint64_t a, b;
	char state;

	ck_assert_int_eq(prctl_set_name(") x ( 1 2"), 0);
	ck_assert_int_eq(nsb_oci_proc_start(getpid(), &a, &state), 0);
	ck_assert_int_eq(state, 'R');
	ck_assert_int_eq(nsb_oci_proc_start(getpid(), &b, NULL), 0);
	ck_assert(a == b && a > 0);
	ck_assert_int_eq(nsb_oci_proc_start(0, &a, NULL), -ESRCH);
}
END_TEST

START_TEST(test_lock_and_remove)
{
	struct nsb_oci_state st, back;
	int dir, dir2, status;
	pid_t pid;
	char *p;

	fill(&st, "lk");
	ck_assert_int_eq(nsb_oci_container_new(root_fd, "lk", &dir), 0);
	ck_assert_int_eq(nsb_oci_state_write(dir, &st), 0);
	/* The creator holds the lock: another opener cannot take it. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = openat(root_fd, "lk", O_RDONLY | O_DIRECTORY);

		_exit(flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);

	/* A command waiting for the lock while delete removes the container
	 * finds no container once it gets it. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct nsb_oci_state s2;

		/* The inherited fd shares the parent's lock. */
		close(dir);
		reset_log();
		if (nsb_oci_container_open(root_fd, "lk", LOCK_EX, &dir2, &s2) != -ENOENT)
			_exit(1);
		_exit(strcmp(logged(), "nsbox-oci: container 'lk' does not exist\n") == 0 ? 0 : 2);
	}
	p = write_scratch("lk/extra", "x", 0600);
	free(p);
	p = fmt("%s/lk/sub", scratch);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	p = write_scratch("lk/sub/f", "y", 0600);
	free(p);
	nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	ck_assert_int_eq(nsb_oci_container_remove(root_fd, "lk", dir), 0);
	close(dir);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(faccessat(root_fd, "lk", F_OK, 0), -1);
	ck_assert_int_eq(nsb_oci_container_open(root_fd, "lk", 0, &dir2, &back), -ENOENT);
	nsb_oci_state_free(&st);
}
END_TEST

START_TEST(test_list)
{
	static const char *const ids[] = {"zeta", "alpha", "mid.1"};
	char **got;
	size_t n;
	char *p;

	for (size_t i = 0; i < 3; i++) {
		int dir;

		ck_assert_int_eq(nsb_oci_container_new(root_fd, ids[i], &dir), 0);
		close(dir);
	}
	p = write_scratch("plainfile", "", 0600);
	free(p);
	p = fmt("%s/bad~name", scratch);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	free(p);
	ck_assert_int_eq(nsb_oci_list_ids(root_fd, &got, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(got[0], "alpha");
	ck_assert_str_eq(got[1], "mid.1");
	ck_assert_str_eq(got[2], "zeta");
	nsb_oci_ids_free(got, n);
}
END_TEST

START_TEST(test_state_json)
{
	struct nsb_oci_state st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fill(&st, "j");
	st.pid = 42;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nsb_oci_state_json(f, &st, NSB_OCI_RUNNING, NULL, NULL), 0);
	fclose(f);
	ck_assert_str_eq(buf, "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"j\",\"status\":\"running\","
	                      "\"pid\":42,\"bundle\":\"/b \\\"q\\\"\",\"annotations\":{\"z.first\":"
	                      "\"1\",\"a.second\":\"two\\nlines\"}}");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nsb_oci_state_json(f, &st, NSB_OCI_STOPPED, "root", "  "), 0);
	fclose(f);
	ck_assert_str_eq(buf,
	                 "{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"id\": \"j\",\n"
	                 "  \"status\": \"stopped\",\n  \"pid\": 0,\n"
	                 "  \"bundle\": \"/b \\\"q\\\"\",\n  \"rootfs\": \"/b/rootfs\",\n"
	                 "  \"created\": \"2024-01-02T03:04:05.000000006Z\",\n"
	                 "  \"owner\": \"root\",\n  \"annotations\": {\n"
	                 "    \"z.first\": \"1\",\n    \"a.second\": \"two\\nlines\"\n  }\n}\n");
	free(buf);
	for (int s = NSB_OCI_CREATING; s <= NSB_OCI_STOPPED; s++)
		ck_assert_str_ne(nsb_oci_status_name((enum nsb_oci_status)s), "unknown");
	nsb_oci_state_free(&st);
	ck_assert_int_eq(nsb_oci_now_rfc3339(&buf), 0);
	ck_assert_uint_eq(strlen(buf), 30);
	ck_assert_int_eq(buf[29], 'Z');
	free(buf);
}
END_TEST

static Suite *state_suite(void)
{
	Suite *s = suite_create("oci_state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ids);
	tcase_add_test(tc, test_root_checks);
	tcase_add_test(tc, test_root_default);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_damaged_state);
	tcase_add_test(tc, test_atomic);
	tcase_add_test(tc, test_status_and_pid_reuse);
	tcase_add_test(tc, test_proc_start_parses_odd_names);
	tcase_add_test(tc, test_lock_and_remove);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_state_json);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(state_suite)
