/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "oci/json.h"
#include "oci/state.h"
#include "util.h"

#define STATE_FILE "state.json"
#define STATE_MAX (1024 * 1024)

static const char *const status_names[] = {
        [NSB_OCI_CREATING] = "creating", [NSB_OCI_CREATED] = "created",
        [NSB_OCI_RUNNING] = "running",   [NSB_OCI_PAUSED] = "paused",
        [NSB_OCI_STOPPED] = "stopped",
};

static const char *const phase_names[] = {
        [NSB_OCI_PHASE_CREATING] = "creating",
        [NSB_OCI_PHASE_CREATED] = "created",
        [NSB_OCI_PHASE_STARTED] = "started",
};

const char *nsb_oci_status_name(enum nsb_oci_status s)
{
	return (unsigned)s < NSB_ELEMENTSOF(status_names) ? status_names[s] : "unknown";
}

void nsb_oci_state_free(struct nsb_oci_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->oci_version);
	free(st->created);
	free(st->cgroup_path);
	for (size_t i = 0; i < st->annotations.n; i++) {
		free(st->annotations.v[i].key);
		free(st->annotations.v[i].value);
	}
	free(st->annotations.v);
	*st = (struct nsb_oci_state){0};
}

int nsb_oci_id_check(const char *id)
{
	size_t n = strlen(id);

	if (n == 0) {
		nsb_err("container id must not be empty");
		return -EINVAL;
	}
	if (n > NSB_OCI_ID_MAX) {
		nsb_err("container id '%.40s...': longer than %d characters", id, NSB_OCI_ID_MAX);
		return -EINVAL;
	}
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0) {
		nsb_err("container id '%s': not allowed", id);
		return -EINVAL;
	}
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_+.-", *p))) {
			nsb_err("container id '%s': only letters, digits and _ + - . are allowed",
			        id);
			return -EINVAL;
		}
	}
	return 0;
}

/* --- the root directory ---------------------------------------------------------- */

/* The initial user namespace maps all 2^32-1 ids onto themselves. */
static bool in_initial_userns(void)
{
	_cleanup_close_ int fd = -1;
	char buf[128], *nl;
	unsigned long a, b, c;
	ssize_t n;

	fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu %lu", &a, &b, &c) != 3)
		return true;
	nl = strchr(buf, '\n');
	return a == 0 && b == 0 && c == 4294967295UL && (!nl || !nl[1]);
}

int nsb_oci_root_default(char **ret)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	bool root = geteuid() == 0;
	char *p;

	if (root && (in_initial_userns() || !xdg || xdg[0] != '/')) {
		p = strdup("/run/nsbox-oci");
	} else if (xdg && xdg[0] == '/') {
		if (asprintf(&p, "%s/nsbox-oci", xdg) < 0)
			p = NULL;
	} else {
		nsb_err("XDG_RUNTIME_DIR is not set: give the state directory with --root DIR");
		return -EINVAL;
	}
	if (!p)
		return nsb_log_errno(ENOMEM, "state directory");
	*ret = p;
	return 0;
}

static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int nsb_oci_root_open(const char *root, bool create, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (!*root) {
		nsb_err("--root: the state directory must not be empty");
		return -EINVAL;
	}
	if (create) {
		r = mkdir_parents(root);
		if (r < 0)
			return nsb_log_errno(r, "--root '%s': cannot create the state directory",
			                     root);
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		return -ENOENT;
	if (fd < 0)
		return nsb_log_errno(errno, "--root '%s'", root);
	if (fstat(fd, &st) < 0)
		return nsb_log_errno(errno, "--root '%s'", root);
	/* Another user's directory could hand us their containers' states,
	 * or let them replace ours. */
	if (st.st_uid != geteuid()) {
		nsb_err("--root '%s': owned by uid %u, not by uid %u", root, (unsigned)st.st_uid,
		        (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & 022) {
		nsb_err("--root '%s': writable by group or others (mode %04o)", root,
		        (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* --- containers --------------------------------------------------------------------- */

static int lock_fd(int fd, int op)
{
	int r;

	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int nsb_oci_container_new(int root_fd, const char *id, int *ret_dirfd)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = nsb_oci_id_check(id);
	if (r < 0)
		return r;
	if (mkdirat(root_fd, id, 0700) < 0) {
		if (errno == EEXIST) {
			nsb_err("container '%s' already exists", id);
			return -EEXIST;
		}
		return nsb_log_errno(errno, "container '%s': cannot create its state directory",
		                     id);
	}
	fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "container '%s'", id);
	r = lock_fd(fd, LOCK_EX);
	if (r < 0)
		return nsb_log_errno(r, "container '%s': cannot lock its state", id);
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}

int nsb_oci_container_open(int root_fd, const char *id, int lock, int *ret_dirfd,
                           struct nsb_oci_state *ret)
{
	_cleanup_close_ int fd = -1;
	char what[NSB_OCI_ID_MAX + 32];
	int r;

	*ret = (struct nsb_oci_state){0};
	r = nsb_oci_id_check(id);
	if (r < 0)
		return r;
	fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) {
		nsb_err("container '%s' does not exist", id);
		return -ENOENT;
	}
	if (fd < 0)
		return nsb_log_errno(errno, "container '%s'", id);
	if (lock) {
		r = lock_fd(fd, lock);
		if (r < 0)
			return nsb_log_errno(r, "container '%s': cannot lock its state", id);
	}
	snprintf(what, sizeof(what), "%s/%s", id, STATE_FILE);
	r = nsb_oci_state_read(fd, what, ret);
	if (r == -ENOENT) {
		nsb_err("container '%s' does not exist", id);
		return r;
	}
	if (r < 0)
		return r;
	if (strcmp(ret->id, id) != 0) {
		nsb_err("container '%s': its state names '%s'", id, ret->id);
		nsb_oci_state_free(ret);
		return -EINVAL;
	}
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}

/* Remove everything in dirfd; depth bounds the recursion. */
static int remove_contents(int dir_fd, unsigned depth)
{
	_cleanup_close_ int dup_fd = -1;
	struct dirent *de;
	DIR *d;
	int r = 0;

	dup_fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d)
		return -errno;
	dup_fd = -1;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR || depth == 0) {
			r = -errno;
			continue;
		}
		{
			_cleanup_close_ int sub =
			        openat(dirfd(d), de->d_name,
			               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int e;

			if (sub < 0) {
				r = -errno;
				continue;
			}
			e = remove_contents(sub, depth - 1);
			if (e < 0)
				r = e;
			else if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
				r = -errno;
		}
	}
	closedir(d);
	return r;
}

int nsb_oci_container_remove(int root_fd, const char *id, int dirfd)
{
	int r;

	if (unlinkat(dirfd, STATE_FILE, 0) < 0 && errno != ENOENT)
		return nsb_log_errno(errno, "container '%s': cannot remove its state", id);
	r = remove_contents(dirfd, 4);
	if (r < 0)
		return nsb_log_errno(r, "container '%s': cannot remove its state directory", id);
	if (unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return nsb_log_errno(errno, "container '%s': cannot remove its state directory",
		                     id);
	return 0;
}

/* --- state.json ---------------------------------------------------------------------- */

static int write_state(FILE *f, const struct nsb_oci_state *st)
{
	struct nsb_jw w;

	nsb_jw_init(&w, f, "\t");
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "id", st->id);
	nsb_jw_kstring(&w, "phase", phase_names[st->phase]);
	nsb_jw_kint(&w, "pid", st->pid);
	nsb_jw_key(&w, "pidStart");
	nsb_jw_uint(&w, st->pid_start);
	nsb_jw_kint(&w, "runtimePid", st->runtime_pid);
	nsb_jw_key(&w, "runtimeStart");
	nsb_jw_uint(&w, st->runtime_start);
	nsb_jw_kstring(&w, "bundle", st->bundle);
	nsb_jw_kstring(&w, "rootfs", st->rootfs);
	nsb_jw_kstring(&w, "ociVersion", st->oci_version ? st->oci_version : NSB_OCI_VERSION);
	nsb_jw_kstring(&w, "created", st->created);
	nsb_jw_kint(&w, "owner", st->owner);
	nsb_jw_kbool(&w, "paused", st->paused);
	if (st->cgroup_path)
		nsb_jw_kstring(&w, "cgroupPath", st->cgroup_path);
	nsb_jw_key(&w, "annotations");
	nsb_jw_begin_object(&w);
	for (size_t i = 0; i < st->annotations.n; i++)
		nsb_jw_kstring(&w, st->annotations.v[i].key, st->annotations.v[i].value);
	nsb_jw_end_object(&w);
	nsb_jw_end_object(&w);
	return nsb_jw_finish(&w);
}

int nsb_oci_state_write(int dirfd, const struct nsb_oci_state *st)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	char tmp[64];
	uint64_t rnd;
	size_t len = 0;
	FILE *f;
	int r;

	f = open_memstream(&buf, &len);
	if (!f)
		return nsb_log_errno(ENOMEM, "container '%s': cannot write its state", st->id);
	r = write_state(f, st);
	if (fclose(f) != 0 || r < 0)
		return nsb_log_errno(ENOMEM, "container '%s': cannot write its state", st->id);
	/* '~' cannot be in an id or in "state.json": no name clash. */
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	snprintf(tmp, sizeof(tmp), ".%s~%016" PRIx64, STATE_FILE, rnd);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsb_log_errno(errno, "container '%s': cannot write its state", st->id);
	r = nsb_write_all(fd, buf, len);
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (r >= 0 && renameat(dirfd, tmp, dirfd, STATE_FILE) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return nsb_log_errno(r, "container '%s': cannot write its state", st->id);
	}
	return 0;
}

static int get_string(const struct nsb_jcur *o, const char *key, bool required, char **ret)
{
	struct nsb_jcur v;

	if (!nsb_j_member(o, key, &v)) {
		if (!required)
			return 0;
		return nsb_j_errp(o, "missing '%s'", key);
	}
	return nsb_j_strdup(&v, ret);
}

static int get_uint(const struct nsb_jcur *o, const char *key, uint64_t max, uint64_t *ret)
{
	struct nsb_jcur v;

	if (!nsb_j_member(o, key, &v))
		return nsb_j_errp(o, "missing '%s'", key);
	return nsb_j_uint(&v, max, ret);
}

static int annotation_one(const char *key, const struct nsb_jcur *val, void *data)
{
	struct nsb_oci_map *m = data;
	struct nsb_oci_kv *kv;
	const char *s;
	int r;

	r = nsb_j_string(val, &s);
	if (r < 0)
		return r;
	kv = realloc(m->v, (m->n + 1) * sizeof(*m->v));
	if (!kv)
		return -ENOMEM;
	m->v = kv;
	kv = &m->v[m->n];
	kv->key = strdup(key);
	kv->value = strdup(s);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return -ENOMEM;
	}
	m->n++;
	return 0;
}

static int state_fields(const struct nsb_jcur *o, struct nsb_oci_state *st)
{
	struct nsb_jcur v;
	const char *phase;
	uint64_t x;
	int r;

	r = get_string(o, "id", true, &st->id);
	if (r >= 0)
		r = get_string(o, "bundle", true, &st->bundle);
	if (r >= 0)
		r = get_string(o, "rootfs", true, &st->rootfs);
	if (r >= 0)
		r = get_string(o, "ociVersion", false, &st->oci_version);
	if (r >= 0)
		r = get_string(o, "created", true, &st->created);
	if (r >= 0)
		r = get_string(o, "cgroupPath", false, &st->cgroup_path);
	if (r < 0)
		return r;
	if (!nsb_j_member(o, "phase", &v))
		return nsb_j_errp(o, "missing 'phase'");
	r = nsb_j_string(&v, &phase);
	if (r < 0)
		return r;
	for (x = 0; x < NSB_ELEMENTSOF(phase_names); x++)
		if (strcmp(phase_names[x], phase) == 0)
			break;
	if (x == NSB_ELEMENTSOF(phase_names))
		return nsb_j_err(&v, "unknown phase");
	st->phase = (enum nsb_oci_phase)x;
	r = get_uint(o, "pid", INT_MAX, &x);
	st->pid = (pid_t)x;
	if (r >= 0)
		r = get_uint(o, "pidStart", UINT64_MAX, &st->pid_start);
	if (r >= 0)
		r = get_uint(o, "runtimePid", INT_MAX, &x);
	st->runtime_pid = (pid_t)x;
	if (r >= 0)
		r = get_uint(o, "runtimeStart", UINT64_MAX, &st->runtime_start);
	if (r >= 0)
		r = get_uint(o, "owner", UINT32_MAX - 1, &x);
	st->owner = (uid_t)x;
	if (r < 0)
		return r;
	if (nsb_j_member(o, "paused", &v)) {
		r = nsb_j_bool(&v, &st->paused);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(o, "annotations", &v)) {
		r = nsb_j_foreach(&v, annotation_one, &st->annotations);
		if (r == -ENOMEM)
			return nsb_log_errno(r, "%s", o->file);
		if (r < 0)
			return r;
	}
	return 0;
}

int nsb_oci_state_read(int dirfd, const char *what, struct nsb_oci_state *ret)
{
	_cleanup_(nsb_json_doc_freep) struct nsb_json_doc *doc = NULL;
	_cleanup_free_ char *text = NULL;
	struct nsb_jcur root;
	size_t len;
	int r;

	*ret = (struct nsb_oci_state){0};
	r = nsb_json_read_file(dirfd, STATE_FILE, STATE_MAX, &text, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return nsb_log_errno(r, "cannot read %s", what);
	r = nsb_json_parse(what, text, len, &doc, &root);
	if (r < 0)
		return r;
	r = state_fields(&root, ret);
	if (r < 0)
		nsb_oci_state_free(ret);
	return r;
}

/* --- processes ------------------------------------------------------------------------ */

int nsb_oci_proc_start(pid_t pid, uint64_t *ret_start, char *ret_state)
{
	_cleanup_close_ int fd = -1;
	char path[64], buf[1024], *p, *end;
	uint64_t start;
	ssize_t n;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -EIO;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -EIO;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields start after the
	 * last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EIO;
	p += 2;
	if (ret_state)
		*ret_state = *p;
	/* p is field 3; the start time is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EIO;
		p++;
	}
	errno = 0;
	start = strtoull(p, &end, 10);
	if (errno || end == p || (*end != ' ' && *end != '\n' && *end))
		return -EIO;
	*ret_start = start;
	return 0;
}

bool nsb_oci_proc_alive(pid_t pid, uint64_t start)
{
	uint64_t s;
	char state;

	if (nsb_oci_proc_start(pid, &s, &state) < 0)
		return false;
	return s == start && state != 'Z' && state != 'X' && state != 'x';
}

enum nsb_oci_status nsb_oci_state_status(const struct nsb_oci_state *st)
{
	bool alive = st->pid > 0 && nsb_oci_proc_alive(st->pid, st->pid_start);

	switch (st->phase) {
	case NSB_OCI_PHASE_CREATING:
		if (alive ||
		    (st->runtime_pid > 0 && nsb_oci_proc_alive(st->runtime_pid, st->runtime_start)))
			return NSB_OCI_CREATING;
		return NSB_OCI_STOPPED;
	case NSB_OCI_PHASE_CREATED:
		return alive ? NSB_OCI_CREATED : NSB_OCI_STOPPED;
	case NSB_OCI_PHASE_STARTED:
		if (!alive)
			return NSB_OCI_STOPPED;
		return st->paused ? NSB_OCI_PAUSED : NSB_OCI_RUNNING;
	}
	return NSB_OCI_STOPPED;
}

int nsb_oci_state_pidfd(const struct nsb_oci_state *st, int *ret_pidfd)
{
	_cleanup_close_ int fd = -1;

	if (st->pid <= 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	/* fd names whatever had the pid when it was opened. If that process
	 * has the recorded start time now, it is the recorded one (a pid is
	 * only reused after its process is gone), and the pidfd keeps naming
	 * it even if the pid is reused later. */
	if (!nsb_oci_proc_alive(st->pid, st->pid_start))
		return -ESRCH;
	*ret_pidfd = TAKE_FD(fd);
	return 0;
}

int nsb_oci_state_kill(const struct nsb_oci_state *st, int sig)
{
	_cleanup_close_ int pidfd = -1;
	int r;

	r = nsb_oci_state_pidfd(st, &pidfd);
	if (r == -ENOSYS) {
		if (!nsb_oci_proc_alive(st->pid, st->pid_start))
			return -ESRCH;
		return kill(st->pid, sig) < 0 ? -errno : 0;
	}
	if (r < 0)
		return r;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return -errno;
	return 0;
}

/* --- listing ---------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void nsb_oci_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int nsb_oci_list_ids(int root_fd, char ***ret_ids, size_t *ret_n)
{
	char **ids = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "cannot read the state directory");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return nsb_log_errno(errno, "cannot read the state directory");
	}
	while ((de = readdir(d))) {
		struct stat st;
		char **nids;
		bool valid = true;
		size_t len = strlen(de->d_name);

		if (len == 0 || len > NSB_OCI_ID_MAX || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (const char *p = de->d_name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr("_+.-", *p)))
				valid = false;
		if (!valid || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		nids = realloc(ids, (n + 1) * sizeof(*ids));
		if (!nids || !(nids[n] = strdup(de->d_name))) {
			ids = nids ? nids : ids;
			closedir(d);
			nsb_oci_ids_free(ids, n);
			return nsb_log_errno(ENOMEM, "cannot read the state directory");
		}
		ids = nids;
		n++;
	}
	closedir(d);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_str);
	*ret_ids = ids;
	*ret_n = n;
	return 0;
}

/* --- output ------------------------------------------------------------------------------ */

int nsb_oci_state_json(FILE *f, const struct nsb_oci_state *st, enum nsb_oci_status status,
                       const char *owner, const char *indent)
{
	struct nsb_jw w;

	nsb_jw_init(&w, f, indent);
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "ociVersion", st->oci_version ? st->oci_version : NSB_OCI_VERSION);
	nsb_jw_kstring(&w, "id", st->id);
	nsb_jw_kstring(&w, "status", nsb_oci_status_name(status));
	nsb_jw_kint(&w, "pid", status == NSB_OCI_STOPPED ? 0 : st->pid);
	nsb_jw_kstring(&w, "bundle", st->bundle);
	if (owner) {
		nsb_jw_kstring(&w, "rootfs", st->rootfs);
		nsb_jw_kstring(&w, "created", st->created);
		nsb_jw_kstring(&w, "owner", owner);
	}
	if (st->annotations.n) {
		nsb_jw_key(&w, "annotations");
		nsb_jw_begin_object(&w);
		for (size_t i = 0; i < st->annotations.n; i++)
			nsb_jw_kstring(&w, st->annotations.v[i].key, st->annotations.v[i].value);
		nsb_jw_end_object(&w);
	}
	nsb_jw_end_object(&w);
	return nsb_jw_finish(&w);
}

int nsb_oci_now_rfc3339(char **ret)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || !gmtime_r(&ts.tv_sec, &tm))
		return -errno;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}
