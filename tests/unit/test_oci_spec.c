/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json: valid/invalid pairs for every field of the coverage list,
 * each error with its exact message (JSON path and value), and the typed
 * values a valid document gives. */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <linux/mount.h>

#include "oci-harness.h"
#include "oci/cli.h"
#include "oci/spec.h"

static struct nsb_oci_spec spec;

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	nsb_oci_spec_free(&spec);
	oci_teardown();
}

/* A valid document with extra members: top-level, in process, in linux
 * (each a JSON fragment starting with ',' or empty). The namespaces are
 * given unless lnx_ns replaces them. */
static char *doc(const char *top, const char *proc, const char *lnx, const char *lnx_ns)
{
	return fmt("{\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"rootfs\"},"
	           " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"%s}%s,"
	           " \"linux\": {\"namespaces\": %s%s}}",
	           proc, top,
	           lnx_ns ? lnx_ns
	                  : "[{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"uts\"},"
	                    " {\"type\": \"ipc\"}, {\"type\": \"network\"}]",
	           lnx);
}

static int parse_text(const char *text)
{
	nsb_oci_spec_free(&spec);
	reset_log();
	return nsb_oci_spec_parse("config.json", text, strlen(text), &spec);
}

struct pair {
	const char *top, *proc, *lnx, *ns;
	const char *msg; /* NULL: valid */
};

static void run_pairs(const struct pair *cases, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pair *c = &cases[i];
		char *text = doc(c->top ? c->top : "", c->proc ? c->proc : "", c->lnx ? c->lnx : "",
		                 c->ns);
		int r = parse_text(text);

		if (!c->msg && (r != 0 || logged()[0])) {
			fprintf(stderr, "case %zu refused: %s%s\n", i, logged(), text);
			bad++;
		} else if (c->msg && (r >= 0 || strcmp(logged(), c->msg) != 0)) {
			fprintf(stderr, "case %zu: r=%d, got: %s  want: %s  doc: %s\n", i, r,
			        logged(), c->msg, text);
			bad++;
		}
		if (r < 0)
			ck_assert_msg(spec.mounts == NULL && spec.process.args.v == NULL,
			              "case %zu: something kept after a failure", i);
		free(text);
	}
	ck_assert_int_eq(bad, 0);
}

#define E(s) "nsbox-oci: config.json: " s "\n"
#define N(...) sizeof((struct pair[]){__VA_ARGS__}) / sizeof(struct pair)

START_TEST(test_top)
{
	static const struct pair cases[] = {
	        {.top = ", \"hostname\": \"box\", \"domainname\": \"example.org\""},
	        {.top = ", \"hostname\": 5", .msg = E("hostname: must be a string ('5')")},
	        {.top = ", \"hostname\": \"x\"",
	         .ns = "[{\"type\": \"mount\"}]",
	         .msg = E("hostname: needs a uts namespace in linux.namespaces")},
	        {.top = ", \"domainname\": \"x\"",
	         .ns = "[]",
	         .msg = E("domainname: needs a uts namespace in linux.namespaces")},
	        {.top = ", \"hostname\": "
	                "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	         .msg = E("hostname: longer than 64 bytes "
	                  "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')")},
	        {.top = ", \"annotations\": {\"a.b/c\": \"1\", \"x\": \"\"}"},
	        {.top = ", \"annotations\": {\"a\": 1}",
	         .msg = E("annotations.a: must be a string ('1')")},
	        {.top = ", \"annotations\": [\"a\"]",
	         .msg = E("annotations: must be an object ('[\"a\"]')")},
	        {.top = ", \"annotations\": {\"\": \"v\"}", .msg = E("annotations: empty key")},
	        /* Unknown properties and other platforms are ignored. */
	        {.top = ", \"x-unknown\": {\"deep\": [1]}, \"windows\": {\"layerFolders\": 3},"
	                " \"vm\": 1, \"solaris\": null"},
	        {.top = ", \"hostname\": null"},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(test_version_root)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	        {"{\"root\": {\"path\": \"r\"}}", E("missing required property 'ociVersion'")},
	        {"{\"ociVersion\": 1, \"root\": {\"path\": \"r\"}}",
	         E("ociVersion: must be a string ('1')")},
	        {"{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}",
	         E("ociVersion: unsupported version (nsbox-oci reads 1.x) ('2.0.0')")},
	        {"{\"ociVersion\": \"1.0\", \"root\": {\"path\": \"r\"}}",
	         E("ociVersion: not a version MAJOR.MINOR.PATCH ('1.0')")},
	        {"{\"ociVersion\": \"1.0.0x\", \"root\": {\"path\": \"r\"}}",
	         E("ociVersion: not a version MAJOR.MINOR.PATCH ('1.0.0x')")},
	        {"{\"ociVersion\": \"1.2.0\"}", E("missing required property 'root'")},
	        {"{\"ociVersion\": \"1.2.0\", \"root\": \"r\"}",
	         E("root: must be an object ('r')")},
	        {"{\"ociVersion\": \"1.2.0\", \"root\": {}}",
	         E("root: missing required property 'path'")},
	        {"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"\"}}",
	         E("root.path: must not be empty ('')")},
	        {"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\", \"readonly\": \"yes\"}}",
	         E("root.readonly: must be true or false ('yes')")},
	        {"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"process\": []}",
	         E("process: must be an object ('[]')")},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_text(cases[i].text) >= 0 || strcmp(logged(), cases[i].msg) != 0) {
			fprintf(stderr, "case %zu got: %s", i, logged());
			bad++;
		}
	}
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(parse_text("{\"ociVersion\": \"1.1.0-rc.1+x\", \"root\": {\"path\": "
	                            "\"/r\", \"readonly\": true}}"),
	                 0);
	ck_assert_str_eq(spec.root_path, "/r");
	ck_assert(spec.root_readonly);
	ck_assert(!spec.has_process);
}
END_TEST

START_TEST(test_process)
{
	static const struct pair cases[] = {
	        {.proc = ", \"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80}"},
	        {.proc = ", \"consoleSize\": {\"height\": 24}",
	         .msg = E("process.consoleSize: missing required property 'width'")},
	        {.proc = ", \"consoleSize\": {\"height\": 70000, \"width\": 1}",
	         .msg = E("process.consoleSize.height: must be an integer from 0 to 65535 "
	                  "('70000')")},
	        {.proc = ", \"user\": {\"uid\": 1000, \"gid\": 1000, \"umask\": 18, "
	                 "\"additionalGids\": [5, 6], \"username\": \"ignored\"}"},
	        {.proc = ", \"user\": {\"uid\": -1}",
	         .msg = E("process.user.uid: must be an integer from 0 to 4294967294 ('-1')")},
	        {.proc = ", \"user\": {\"gid\": 4294967295}",
	         .msg = E("process.user.gid: must be an integer from 0 to 4294967294 "
	                  "('4294967295')")},
	        {.proc = ", \"user\": {\"umask\": 512}",
	         .msg = E("process.user.umask: must be an integer from 0 to 511 ('512')")},
	        {.proc = ", \"user\": {\"additionalGids\": [1, \"2\"]}",
	         .msg = E("process.user.additionalGids[1]: must be an integer from 0 to 4294967294 "
	                  "('2')")},
	        {.proc = ", \"args\": []", .msg = E("process.args: must not be empty")},
	        {.proc = ", \"args\": [\"\"]",
	         .msg = E("process.args[0]: the program name must not be empty ('')")},
	        {.proc = ", \"args\": [\"a\", 2]",
	         .msg = E("process.args[1]: must be a string ('2')")},
	        {.proc = ", \"env\": [\"A=1\", \"B=\", \"C\"]",
	         .msg = E("process.env[2]: must be KEY=VALUE ('C')")},
	        {.proc = ", \"env\": [\"=x\"]",
	         .msg = E("process.env[0]: must be KEY=VALUE ('=x')")},
	        {.proc = ", \"cwd\": \"rel\"",
	         .msg = E("process.cwd: must be an absolute path ('rel')")},
	        {.proc = ", \"noNewPrivileges\": 1",
	         .msg = E("process.noNewPrivileges: must be true or false ('1')")},
	        {.proc = ", \"oomScoreAdj\": -1000, \"selinuxLabel\": \"system_u:system_r:t:s0\","
	                 " \"apparmorProfile\": \"p\""},
	        {.proc = ", \"oomScoreAdj\": 1001",
	         .msg = E("process.oomScoreAdj: must be an integer from -1000 to 1000 ('1001')")},
	        {.proc = ", \"execCPUAffinity\": {\"initial\": \"0\"}",
	         .msg = E("process.execCPUAffinity: not supported")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("",
		                 ", \"terminal\": true, \"consoleSize\": {\"height\": 24, "
		                 "\"width\": 80}, \"user\": {\"uid\": 1000, \"gid\": 100, "
		                 "\"umask\": 18, \"additionalGids\": [5, 6]}, \"env\": "
		                 "[\"A=1\"]",
		                 "", NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert(spec.process.terminal);
	ck_assert_int_eq(spec.process.console_height, 24);
	ck_assert_int_eq(spec.process.console_width, 80);
	ck_assert_int_eq(spec.process.uid, 1000);
	ck_assert_int_eq(spec.process.gid, 100);
	ck_assert(spec.process.has_umask);
	ck_assert_int_eq(spec.process.umask, 022);
	ck_assert_uint_eq(spec.process.n_additional_gids, 2);
	ck_assert_int_eq(spec.process.additional_gids[1], 6);
	ck_assert_str_eq(spec.process.args.v[0], "sh");
	ck_assert_ptr_null(spec.process.args.v[1]);
	ck_assert_str_eq(spec.process.env.v[0], "A=1");
	ck_assert_str_eq(spec.process.cwd, "/");
}
END_TEST

START_TEST(test_capabilities_rlimits)
{
	static const struct pair cases[] = {
	        {.proc = ", \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"], \"effective\": [], "
	                 "\"inheritable\": [\"CAP_KILL\"], \"permitted\": [\"CAP_BPF\"], "
	                 "\"ambient\": [\"CAP_CHECKPOINT_RESTORE\"]}"},
	        {.proc = ", \"capabilities\": {\"bounding\": [\"CAP_NOPE\"]}",
	         .msg = E("process.capabilities.bounding[0]: unknown capability ('CAP_NOPE')")},
	        {.proc = ", \"capabilities\": {\"ambient\": [\"cap_chown\"]}",
	         .msg = E("process.capabilities.ambient[0]: unknown capability ('cap_chown')")},
	        {.proc = ", \"capabilities\": {\"effective\": \"CAP_CHOWN\"}",
	         .msg = E("process.capabilities.effective: must be an array ('CAP_CHOWN')")},
	        {.proc = ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": "
	                 "4096}, {\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": "
	                 "18446744073709551615}]"},
	        {.proc = ", \"rlimits\": [{\"type\": \"NOFILE\", \"soft\": 1, \"hard\": 1}]",
	         .msg = E("process.rlimits[0].type: unknown resource limit ('NOFILE')")},
	        {.proc = ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": "
	                 "5}]",
	         .msg = E("process.rlimits[0].soft: the soft limit is above the hard limit (5) "
	                  "('10')")},
	        {.proc = ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1}]",
	         .msg = E("process.rlimits[0]: missing required property 'hard'")},
	        {.proc = ", \"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": 1, \"hard\": 1}, "
	                 "{\"type\": \"RLIMIT_AS\", \"soft\": 1, \"hard\": 1}]",
	         .msg = E("process.rlimits[1].type: resource limit given twice ('RLIMIT_AS')")},
	        {.proc = ", \"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": -1, \"hard\": 1}]",
	         .msg = E("process.rlimits[0].soft: must be an integer from 0 to "
	                  "18446744073709551615 ('-1')")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", cases[0].proc, "", NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert(spec.process.has_caps);
	ck_assert(spec.process.caps[NSB_OCI_CAP_BOUNDING] == UINT64_C(1) << CAP_CHOWN);
	ck_assert(spec.process.caps[NSB_OCI_CAP_EFFECTIVE] == 0);
	ck_assert(spec.process.caps[NSB_OCI_CAP_INHERITABLE] == UINT64_C(1) << CAP_KILL);
	ck_assert(spec.process.caps[NSB_OCI_CAP_PERMITTED] == UINT64_C(1) << 39);
	ck_assert(spec.process.caps[NSB_OCI_CAP_AMBIENT] == UINT64_C(1) << 40);
	for (int c = 0; c <= NSB_OCI_CAP_MAX; c++)
		ck_assert_ptr_nonnull(nsb_oci_cap_name(c));
	ck_assert_str_eq(nsb_oci_cap_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	ck_assert_ptr_null(nsb_oci_cap_name(NSB_OCI_CAP_MAX + 1));
}
END_TEST

START_TEST(test_io_scheduler)
{
	static const struct pair cases[] = {
	        {.proc = ", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 7}"},
	        {.proc = ", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_XX\"}",
	         .msg = E("process.ioPriority.class: unknown I/O priority class "
	                  "('IOPRIO_CLASS_XX')")},
	        {.proc = ", \"ioPriority\": {\"priority\": 1}",
	         .msg = E("process.ioPriority: missing required property 'class'")},
	        {.proc = ", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 8}",
	         .msg = E("process.ioPriority.priority: must be an integer from 0 to 7 ('8')")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5, \"flags\": "
	                 "[\"SCHED_FLAG_RESET_ON_FORK\"]}"},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 10}"},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_FIFO\"}",
	         .msg = E("process.scheduler: SCHED_FIFO and SCHED_RR need a priority from 1 to "
	                  "99")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"priority\": 3}",
	         .msg = E(
	                 "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority "
	                 "('3')")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_ISO\"}",
	         .msg = E("process.scheduler.policy: not supported by Linux ('SCHED_ISO')")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_DEADLINE\"}",
	         .msg = E("process.scheduler: SCHED_DEADLINE needs a runtime")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 10, "
	                 "\"deadline\": 20, \"period\": 30}"},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": 20}",
	         .msg = E("process.scheduler.nice: must be an integer from -20 to 19 ('20')")},
	        {.proc = ", \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"flags\": [\"X\"]}",
	         .msg = E("process.scheduler.flags[0]: unknown scheduler flag ('X')")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", cases[10].proc, "", NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert(spec.process.has_scheduler);
	ck_assert_int_eq(spec.process.sched_policy, 6);
	ck_assert(spec.process.sched_runtime == 10 && spec.process.sched_period == 30);
}
END_TEST

START_TEST(test_mounts)
{
	static const struct pair cases[] = {
	        {.top = ", \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", "
	                "\"source\": "
	                "\"proc\"}, {\"destination\": \"/d\", \"type\": \"bind\", \"source\": "
	                "\"/s\", \"options\": [\"rbind\", \"ro\", \"nosuid\", \"nodev\", "
	                "\"noexec\", \"rprivate\", \"nosymfollow\", \"rro\", \"rnosuid\", "
	                "\"rnodev\", \"rnoexec\", \"rnoatime\"]}]"},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"source\": \"/s\", \"options\": "
	                "[\"bind\"]}]"},
	        {.top = ", \"mounts\": [{\"type\": \"tmpfs\"}]",
	         .msg = E("mounts[0]: missing required property 'destination'")},
	        {.top = ", \"mounts\": [{\"destination\": \"\", \"type\": \"tmpfs\"}]",
	         .msg = E("mounts[0].destination: must not be empty ('')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\"}]",
	         .msg = E("mounts[0]: missing 'type' (and no bind or rbind option)")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"none\"}]",
	         .msg = E("mounts[0].type: type none needs the bind or rbind option ('none')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"ext4;rm\"}]",
	         .msg = E("mounts[0].type: not a filesystem type name ('ext4;rm')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\"}]",
	         .msg = E("mounts[0]: a bind mount needs a 'source'")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": "
	                "\"/s\", \"options\": [\"rbind\", \"size=5\"]}]",
	         .msg = E("mounts[0].options[1]: not an option of a bind mount ('size=5')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", "
	                "\"options\": "
	                "[\"ro,nosuid\"]}]",
	         .msg = E(
	                 "mounts[0].options[0]: one option per element (no commas) ('ro,nosuid')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", "
	                "\"options\": "
	                "[\"\"]}]",
	         .msg = E("mounts[0].options[0]: empty mount option ('')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"proc\", \"options\": "
	                "[\"tmpcopyup\"]}]",
	         .msg = E("mounts[0]: the tmpcopyup option is only for tmpfs mounts")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", "
	                "\"options\": "
	                "[\"tmpcopyup\", \"mode=1777\"]}]"},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", "
	                "\"options\": "
	                "[\"idmap\"]}]",
	         .msg = E("mounts[0]: idmapped mounts are only supported for bind mounts")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": "
	                "\"/s\", \"options\": [\"bind\", \"idmap\", \"ridmap\"]}]",
	         .msg = E("mounts[0]: options idmap and ridmap both given")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": "
	                "\"/s\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, "
	                "\"size\": 1}]}]",
	         .msg = E("mounts[0]: uidMappings and gidMappings must be given together")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\", \"source\": "
	                "\"/s\", \"options\": [\"ridmap\"], \"uidMappings\": [{\"containerID\": 0, "
	                "\"hostID\": 1000, \"size\": 1}], \"gidMappings\": [{\"containerID\": 0, "
	                "\"hostID\": 1000, \"size\": 1}]}]"},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"overlay\", "
	                "\"source\": "
	                "\"overlay\", \"options\": [\"lowerdir=/a:/b\", \"ro\"]}]"},
	        {.top = ", \"mounts\": {}", .msg = E("mounts: must be an array ('{}')")},
	        {.top = ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", "
	                "\"options\": "
	                "\"ro\"}]",
	         .msg = E("mounts[0].options: must be an array ('ro')")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc(cases[0].top, "", "", NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert_uint_eq(spec.n_mounts, 2);
	ck_assert_int_eq(spec.mounts[0].type, NSB_OCI_MNT_PROC);
	ck_assert_int_eq(spec.mounts[1].type, NSB_OCI_MNT_BIND);
	ck_assert(spec.mounts[1].recursive);
	ck_assert_uint_eq(spec.mounts[1].ms_set,
	                  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | 256 /* MS_NOSYMFOLLOW */);
	ck_assert(spec.mounts[1].attr_set ==
	          (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
	ck_assert(spec.mounts[1].attr_set_atime && spec.mounts[1].attr_atime == MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(spec.mounts[1].propagation, MS_PRIVATE | MS_REC);
	ck_assert_ptr_null(spec.mounts[1].data);
}
END_TEST

START_TEST(test_mount_words)
{
	char *text = doc(", \"mounts\": [{\"destination\": \"rel/dir\", \"type\": \"tmpfs\", "
	                 "\"source\": \"tmpfs\", \"options\": [\"ro\", \"rw\", \"nosuid\", "
	                 "\"suid\", \"mode=755\", \"size=64k\", \"defaults\", \"noexec\", "
	                 "\"strictatime\", \"nostrictatime\", \"rrw\", \"rsuid\", \"ratime\", "
	                 "\"slave\", \"unbindable\", \"nr_inodes=5\"]}]",
	                 "", "", NULL);
	const struct nsb_oci_mount *m;

	ck_assert_int_eq(parse_text(text), 0);
	free(text);
	m = &spec.mounts[0];
	ck_assert_str_eq(m->destination, "/rel/dir");
	ck_assert_int_eq(m->type, NSB_OCI_MNT_TMPFS);
	ck_assert_str_eq(m->data, "mode=755,size=64k,nr_inodes=5");
	/* Last word wins: defaults cleared ro/nosuid; noexec after it. */
	ck_assert_uint_eq(m->ms_set, MS_NOEXEC);
	ck_assert(m->ms_clear & MS_RDONLY);
	ck_assert(m->ms_clear & MS_NOSUID);
	ck_assert(m->ms_clear & MS_STRICTATIME);
	ck_assert(m->attr_clear == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
	ck_assert(m->attr_atime == MOUNT_ATTR_RELATIME);
	ck_assert_uint_eq(m->propagation, MS_UNBINDABLE);
	/* Every recognised word is listed for features. */
	for (size_t i = 0; nsb_oci_mount_option_word(i); i++)
		ck_assert(strlen(nsb_oci_mount_option_word(i)) > 0);
	ck_assert_ptr_null(nsb_oci_mount_option_word(1000));
}
END_TEST

START_TEST(test_hooks)
{
	static const struct pair cases[] = {
	        {.top = ", \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\"}], "
	                "\"createRuntime\":"
	                " [{\"path\": \"/h\", \"args\": [\"h\", \"-x\"], \"env\": [\"A=1\"], "
	                "\"timeout\": 5}], \"createContainer\": [], \"startContainer\": "
	                "[{\"path\": \"/s\"}], \"poststart\": [{\"path\": \"/p\"}], "
	                "\"poststop\": [{\"path\": \"/q\", \"env\": []}]}"},
	        {.top = ", \"hooks\": {\"prestart\": [{\"args\": [\"x\"]}]}",
	         .msg = E("hooks.prestart[0]: missing required property 'path'")},
	        {.top = ", \"hooks\": {\"poststop\": [{\"path\": \"rel\"}]}",
	         .msg = E("hooks.poststop[0].path: must be an absolute path ('rel')")},
	        {.top = ", \"hooks\": {\"poststart\": [{\"path\": \"/h\", \"timeout\": 0}]}",
	         .msg = E("hooks.poststart[0].timeout: must be an integer from 1 to 2147483647 "
	                  "('0')")},
	        {.top = ", \"hooks\": {\"createContainer\": [{\"path\": \"/h\", \"env\": "
	                "[\"X\"]}]}",
	         .msg = E("hooks.createContainer[0].env[0]: must be KEY=VALUE ('X')")},
	        {.top = ", \"hooks\": {\"startContainer\": {}}",
	         .msg = E("hooks.startContainer: must be an array ('{}')")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc(cases[0].top, "", "", NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert_uint_eq(spec.hooks[NSB_OCI_HOOK_PRESTART].n, 1);
	ck_assert_uint_eq(spec.hooks[NSB_OCI_HOOK_CREATE_RUNTIME].v[0].timeout, 5);
	ck_assert_str_eq(spec.hooks[NSB_OCI_HOOK_CREATE_RUNTIME].v[0].args.v[1], "-x");
	ck_assert(spec.hooks[NSB_OCI_HOOK_CREATE_RUNTIME].v[0].has_env);
	ck_assert(!spec.hooks[NSB_OCI_HOOK_PRESTART].v[0].has_env);
	ck_assert(spec.hooks[NSB_OCI_HOOK_POSTSTOP].v[0].has_env);
	ck_assert_uint_eq(spec.hooks[NSB_OCI_HOOK_POSTSTOP].v[0].env.n, 0);
	ck_assert_uint_eq(spec.hooks[NSB_OCI_HOOK_CREATE_CONTAINER].n, 0);
}
END_TEST

#define USERNS "[{\"type\": \"user\"}, {\"type\": \"mount\"}]"
#define MAPS                                                                            \
	", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}, "     \
	"{\"containerID\": 1, \"hostID\": 100000, \"size\": 65536}], \"gidMappings\": " \
	"[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"

START_TEST(test_namespaces_idmaps)
{
	static const struct pair cases[] = {
	        {.ns = "[{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"network\", "
	               "\"path\": \"/run/netns/x\"}, {\"type\": \"uts\"}, {\"type\": \"ipc\"}, "
	               "{\"type\": \"cgroup\"}, {\"type\": \"time\"}]"},
	        {.ns = "[{\"type\": \"mnt\"}]",
	         .msg = E("linux.namespaces[0].type: unknown namespace type ('mnt')")},
	        {.ns = "[{\"type\": \"pid\"}, {\"type\": \"pid\"}]",
	         .msg = E("linux.namespaces[1].type: namespace type given twice ('pid')")},
	        {.ns = "[{\"path\": \"/x\"}]",
	         .msg = E("linux.namespaces[0]: missing required property 'type'")},
	        {.ns = "[{\"type\": \"net\", \"path\": \"x\"}]",
	         .msg = E("linux.namespaces[0].type: unknown namespace type ('net')")},
	        {.ns = "[{\"type\": \"network\", \"path\": \"run/x\"}]",
	         .msg = E("linux.namespaces[0].path: must be an absolute path ('run/x')")},
	        {.ns = USERNS, .lnx = MAPS},
	        {.ns = USERNS,
	         .msg = E("linux: a new user namespace needs uidMappings and "
	                  "gidMappings")},
	        {.ns = "[{\"type\": \"mount\"}]",
	         .lnx = MAPS,
	         .msg = E("linux.uidMappings: needs a new user namespace in linux.namespaces")},
	        {.ns = "[{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}]",
	         .lnx = MAPS,
	         .msg = E("linux.uidMappings: needs a new user namespace in linux.namespaces")},
	        {.ns = USERNS,
	         .lnx = ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 0}], "
	                "\"gidMappings\": []",
	         .msg = E("linux.uidMappings[0].size: must be at least 1 ('0')")},
	        {.ns = USERNS,
	         .lnx = ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 10}, "
	                "{\"containerID\": 5, \"hostID\": 100, \"size\": 1}], \"gidMappings\": []",
	         .msg = E("linux.uidMappings[1]: overlaps the container ids of [0]")},
	        {.ns = USERNS,
	         .lnx = ", \"uidMappings\": [{\"containerID\": 4294967295, \"hostID\": 1, "
	                "\"size\": 2}]",
	         .msg = E("linux.uidMappings[0].size: the range goes past 4294967295 ('2')")},
	        {.ns = USERNS,
	         .lnx = ", \"uidMappings\": [{\"containerID\": 0, \"size\": 2}]",
	         .msg = E("linux.uidMappings[0]: missing required property 'hostID'")},
	        {.lnx = ", \"timeOffsets\": {\"monotonic\": {\"secs\": 10}}",
	         .msg = E("linux.timeOffsets: needs a new time namespace in linux.namespaces")},
	        {.ns = "[{\"type\": \"time\"}]",
	         .lnx = ", \"timeOffsets\": {\"monotonic\": {\"secs\": -10, \"nanosecs\": 5}, "
	                "\"boottime\": {\"secs\": 100}}"},
	        {.ns = "[{\"type\": \"time\"}]",
	         .lnx = ", \"timeOffsets\": {\"boottime\": {\"nanosecs\": 1000000000}}",
	         .msg = E("linux.timeOffsets.boottime.nanosecs: must be an integer from 0 to "
	                  "999999999 ('1000000000')")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", "", MAPS, USERNS);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert(spec.linux_.ns[NSB_OCI_NS_USER].present);
	ck_assert_ptr_null(spec.linux_.ns[NSB_OCI_NS_USER].path);
	ck_assert(!spec.linux_.ns[NSB_OCI_NS_PID].present);
	ck_assert_uint_eq(spec.linux_.uid_mappings.n, 2);
	ck_assert_uint_eq(spec.linux_.uid_mappings.v[1].host_id, 100000);
	ck_assert_uint_eq(spec.linux_.uid_mappings.v[1].size, 65536);
	for (int i = 0; i < NSB_OCI_NS_N; i++)
		ck_assert_ptr_nonnull(nsb_oci_ns_name((enum nsb_oci_ns)i));
}
END_TEST

START_TEST(test_linux_misc)
{
	static const struct pair cases[] = {
	        {.lnx = ", \"devices\": [{\"type\": \"c\", \"path\": \"/dev/fuse\", \"major\": 10, "
	                "\"minor\": 229, \"fileMode\": 8630, \"uid\": 0, \"gid\": 0}, {\"type\": "
	                "\"p\", \"path\": \"/dev/fifo\"}]"},
	        {.lnx = ", \"devices\": [{\"type\": \"x\", \"path\": \"/dev/a\"}]",
	         .msg = E("linux.devices[0].type: must be c, b, u or p ('x')")},
	        {.lnx = ", \"devices\": [{\"type\": \"c\", \"path\": \"/dev/a\", \"major\": 1}]",
	         .msg = E("linux.devices[0]: missing required property 'minor'")},
	        {.lnx = ", \"devices\": [{\"type\": \"b\", \"path\": \"dev/a\", \"major\": 1, "
	                "\"minor\": 1}]",
	         .msg = E("linux.devices[0].path: must be an absolute path ('dev/a')")},
	        {.lnx = ", \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"]"},
	        {.lnx = ", \"maskedPaths\": [\"proc\"]",
	         .msg = E("linux.maskedPaths[0]: must be an absolute path ('proc')")},
	        {.lnx = ", \"readonlyPaths\": [1]",
	         .msg = E("linux.readonlyPaths[0]: must be a string ('1')")},
	        {.lnx = ", \"sysctl\": {\"net.ipv4.ping_group_range\": \"0 0\", \"kernel.shmmax\": "
	                "\"1\", \"fs.mqueue.msg_max\": \"10\", \"net/ipv4/conf/eth0.1/forwarding\":"
	                " \"1\"}"},
	        {.lnx = ", \"sysctl\": {\"kernel.pid_max\": \"10\"}",
	         .msg = E("linux.sysctl[\"kernel.pid_max\"]: not namespaced: it would change the "
	                  "host")},
	        {.ns = "[{\"type\": \"mount\"}]",
	         .lnx = ", \"sysctl\": {\"net.core.somaxconn\": \"1\"}",
	         .msg = E("linux.sysctl[\"net.core.somaxconn\"]: needs a network namespace in "
	                  "linux.namespaces")},
	        {.lnx = ", \"sysctl\": {\"net..x\": \"1\"}",
	         .msg = E("linux.sysctl[\"net..x\"]: not a sysctl name")},
	        {.lnx = ", \"sysctl\": {\"net.a\": 1}",
	         .msg = E("linux.sysctl[\"net.a\"]: must be a string ('1')")},
	        {.lnx = ", \"cgroupsPath\": \"/libpod_parent/libpod-abc\", \"rootfsPropagation\": "
	                "\"rslave\", \"mountLabel\": \"system_u:object_r:t:s0\""},
	        {.lnx = ", \"rootfsPropagation\": \"everywhere\"",
	         .msg = E("linux.rootfsPropagation: must be private, shared, slave or unbindable "
	                  "('everywhere')")},
	        {.ns = "[]",
	         .lnx = ", \"rootfsPropagation\": \"private\"",
	         .msg = E("linux.rootfsPropagation: needs a mount namespace in linux.namespaces")},
	        {.lnx = ", \"personality\": {\"domain\": \"LINUX32\"}"},
	        {.lnx = ", \"personality\": {\"domain\": \"LINUX64\"}",
	         .msg = E("linux.personality.domain: must be LINUX or LINUX32 ('LINUX64')")},
	        {.lnx = ", \"personality\": {\"domain\": \"LINUX\", \"flags\": [\"X\"]}",
	         .msg = E("linux.personality.flags: not supported")},
	        {.lnx = ", \"intelRdt\": {\"closID\": \"x\"}",
	         .msg = E("linux.intelRdt: not supported")},
	        {.lnx = ", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}",
	         .msg = E("linux.memoryPolicy: not supported")},
	        {.lnx = ", \"netDevices\": {\"eth0\": {}}",
	         .msg = E("linux.netDevices: not supported")},
	        {.lnx = ", \"intelRdt\": null"},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", "",
		                 ", \"devices\": [{\"type\": \"c\", \"path\": \"/dev/fuse\", "
		                 "\"major\": 10, \"minor\": 229, \"fileMode\": 8630}], "
		                 "\"rootfsPropagation\": \"rslave\", \"personality\": "
		                 "{\"domain\": \"LINUX32\"}",
		                 NULL);

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
	}
	ck_assert_int_eq(spec.linux_.devices[0].file_mode, 0666);
	ck_assert_int_eq(spec.linux_.devices[0].major, 10);
	ck_assert_uint_eq(spec.linux_.rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_uint_eq(spec.linux_.personality, PER_LINUX32);
}
END_TEST

START_TEST(test_resources)
{
	static const struct pair cases[] = {
	        {.lnx = ", \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, "
	                "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, "
	                "\"access\": "
	                "\"rw\"}], \"memory\": {\"limit\": 536870912, \"reservation\": -1, "
	                "\"swap\":"
	                " 1073741824, \"swappiness\": 10, \"disableOOMKiller\": true}, \"cpu\": "
	                "{\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": "
	                "\"0-1\","
	                " \"mems\": \"0\"}, \"pids\": {\"limit\": 2048}, \"blockIO\": {\"weight\": "
	                "500, \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": "
	                "1048576}]}, \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}], "
	                "\"network\": {\"classID\": 1, \"priorities\": [{\"name\": \"eth0\", "
	                "\"priority\": 5}]}, \"rdma\": {\"mlx4_0\": {\"hcaHandles\": 3}}, "
	                "\"unified\": {\"memory.high\": \"1000000\"}}"},
	        {.lnx = ", \"resources\": {\"devices\": [{\"access\": \"r\"}]}",
	         .msg = E("linux.resources.devices[0]: missing required property 'allow'")},
	        {.lnx = ", \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}",
	         .msg = E("linux.resources.devices[0].access: must be letters of rwm, each once "
	                  "('rwx')")},
	        {.lnx = ", \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rr\"}]}",
	         .msg = E("linux.resources.devices[0].access: must be letters of rwm, each once "
	                  "('rr')")},
	        {.lnx = ", \"resources\": {\"devices\": [{\"allow\": true, \"type\": \"p\"}]}",
	         .msg = E("linux.resources.devices[0].type: must be a, c or b ('p')")},
	        {.lnx = ", \"resources\": {\"devices\": [{\"allow\": true, \"major\": -2}]}",
	         .msg = E("linux.resources.devices[0].major: must be an integer from -1 to "
	                  "4294967295 ('-2')")},
	        {.lnx = ", \"resources\": {\"memory\": {\"limit\": \"1g\"}}",
	         .msg = E("linux.resources.memory.limit: must be an integer from -1 to "
	                  "9223372036854775807 ('1g')")},
	        {.lnx = ", \"resources\": {\"memory\": {\"limit\": 1000, \"swap\": 500}}",
	         .msg = E("linux.resources.memory.swap: memory+swap must not be below the memory "
	                  "limit (1000) ('500')")},
	        {.lnx = ", \"resources\": {\"memory\": {\"swappiness\": 101}}",
	         .msg = E("linux.resources.memory.swappiness: must be an integer from 0 to 100 "
	                  "('101')")},
	        {.lnx = ", \"resources\": {\"cpu\": {\"cpus\": \"0-3;\"}}",
	         .msg = E("linux.resources.cpu.cpus: must be a list like 0-3,5 ('0-3;')")},
	        {.lnx = ", \"resources\": {\"cpu\": {\"idle\": 2}}",
	         .msg = E("linux.resources.cpu.idle: must be an integer from 0 to 1 ('2')")},
	        {.lnx = ", \"resources\": {\"pids\": {}}",
	         .msg = E("linux.resources.pids: missing required property 'limit'")},
	        {.lnx = ", \"resources\": {\"blockIO\": {\"weight\": 1001}}",
	         .msg = E("linux.resources.blockIO.weight: must be an integer from 0 to 1000 "
	                  "('1001')")},
	        {.lnx = ", \"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8}]}}",
	         .msg = E("linux.resources.blockIO.weightDevice[0]: missing required property "
	                  "'minor'")},
	        {.lnx = ", \"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2M\", \"limit\": "
	                "1}]}",
	         .msg = E("linux.resources.hugepageLimits[0].pageSize: must be a size like 2MB or "
	                  "1GB ('2M')")},
	        {.lnx = ", \"resources\": {\"network\": {\"priorities\": [{\"name\": \"a b\", "
	                "\"priority\": 1}]}}",
	         .msg = E("linux.resources.network.priorities[0].name: not a network interface "
	                  "name ('a b')")},
	        {.lnx = ", \"resources\": {\"rdma\": {\"dev\": {\"hcaObjects\": -1}}}",
	         .msg = E("linux.resources.rdma.dev.hcaObjects: must be an integer from 0 to "
	                  "4294967295 ('-1')")},
	        {.lnx = ", \"resources\": {\"unified\": {\"../x\": \"1\"}}",
	         .msg = E("linux.resources.unified[\"../x\"]: not a cgroup file name")},
	        {.lnx = ", \"resources\": {\"unified\": {\"cgroup.procs\": \"1\"}}",
	         .msg = E("linux.resources.unified[\"cgroup.procs\"]: cannot be set through "
	                  "linux.resources.unified")},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", "", cases[0].lnx, NULL);
		const struct nsb_oci_resources *r;

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
		r = &spec.linux_.resources;
		ck_assert(r->present);
		ck_assert_uint_eq(r->n_devices, 2);
		ck_assert(!r->devices[0].allow && r->devices[0].type == 'a' &&
		          r->devices[0].major == -1 && r->devices[0].access == 7);
		ck_assert(r->devices[1].allow && r->devices[1].type == 'c' &&
		          r->devices[1].minor == 3 && r->devices[1].access == 3);
		ck_assert(r->memory.limit.set && r->memory.limit.v == 536870912);
		ck_assert(r->memory.reservation.set && r->memory.reservation.v == -1);
		ck_assert(r->memory.disable_oom_killer);
		ck_assert(r->cpu.quota.v == 50000 && r->cpu.period.v == 100000);
		ck_assert_str_eq(r->cpu.cpus, "0-1");
		ck_assert(r->pids_limit.set && r->pids_limit.v == 2048);
		ck_assert_uint_eq(r->blkio.throttle_read_bps.n, 1);
		ck_assert_str_eq(r->hugepages[0].page_size, "2MB");
		ck_assert_str_eq(r->rdma[0].device, "mlx4_0");
		ck_assert(r->rdma[0].hca_handles.set && !r->rdma[0].hca_objects.set);
		ck_assert_str_eq(r->unified.v[0].key, "memory.high");
	}
}
END_TEST

START_TEST(test_seccomp_object)
{
	static const struct pair cases[] = {
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", "
	                "\"defaultErrnoRet\": "
	                "38, \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"], "
	                "\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": [{\"names\": "
	                "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"socket\"], "
	                "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22, \"args\": [{\"index\": "
	                "0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 2, \"value\": 9, "
	                "\"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}"},
	        {.lnx = ", \"seccomp\": {}",
	         .msg = E("linux.seccomp: missing required property 'defaultAction'")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOPE\"}",
	         .msg = E("linux.seccomp.defaultAction: unknown seccomp action ('SCMP_ACT_NOPE')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
	         .msg = E("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
	                  "action ('SCMP_ACT_NOTIFY')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
	                "\"defaultErrnoRet\":"
	                " 1}",
	         .msg = E("linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
	                  "take a return value ('1')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", "
	                "\"defaultErrnoRet\":"
	                " 5000}",
	         .msg = E("linux.seccomp.defaultErrnoRet: must be an errno value from 0 to 4095 "
	                  "('5000')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
	                "[\"x86_64\"]}",
	         .msg = E("linux.seccomp.architectures[0]: unknown architecture ('x86_64')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
	                "[\"SECCOMP_FILTER_FLAG_X\"]}",
	         .msg = E(
	                 "linux.seccomp.flags[0]: unknown seccomp flag ('SECCOMP_FILTER_FLAG_X')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [], \"action\": \"SCMP_ACT_KILL\"}]}",
	         .msg = E("linux.seccomp.syscalls[0].names: must not be empty")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [\"read\"]}]}",
	         .msg = E("linux.seccomp.syscalls[0]: missing required property 'action'")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": "
	                "1}]}",
	         .msg = E("linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and "
	                  "SCMP_ACT_TRACE take a return value ('1')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": "
	                "[{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	         .msg = E("linux.seccomp.syscalls[0].args[0].index: must be an integer from 0 to 5 "
	                  "('6')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": "
	                "[{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_XX\"}]}]}",
	         .msg = E("linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "
	                  "('SCMP_CMP_XX')")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
	         .msg = E("linux.seccomp: SCMP_ACT_NOTIFY needs a listenerPath")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
	                "\"listenerMetadata\":"
	                " \"m\"}",
	         .msg = E("linux.seccomp.listenerMetadata: only valid with listenerPath")},
	        {.lnx = ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": "
	                "\"/run/agent.sock\", \"listenerMetadata\": \"m\", \"syscalls\": "
	                "[{\"names\": [\"mknod\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"},
	};

	run_pairs(cases, sizeof(cases) / sizeof(cases[0]));
	{
		char *text = doc("", "", cases[0].lnx, NULL);
		const struct nsb_oci_seccomp *sc;

		ck_assert_int_eq(parse_text(text), 0);
		free(text);
		sc = &spec.linux_.seccomp;
		ck_assert(sc->present);
		ck_assert_int_eq(sc->default_action, NSB_OCI_SC_ERRNO);
		ck_assert(sc->has_default_errno_ret && sc->default_errno_ret == 38);
		ck_assert_uint_eq(sc->architectures.n, 2);
		ck_assert_uint_eq(sc->flags, NSB_OCI_SC_FLAG_LOG);
		ck_assert_uint_eq(sc->n_syscalls, 2);
		ck_assert_uint_eq(sc->syscalls[1].n_args, 2);
		ck_assert_uint_eq(sc->syscalls[1].args[1].index, 2);
		ck_assert_uint_eq(sc->syscalls[1].args[1].value, 9);
	}
}
END_TEST

START_TEST(test_process_alone)
{
	struct nsb_oci_process p;
	const char *ok = "{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"terminal\": true}";
	const char *bad = "{\"args\": [\"ls\"], \"cwd\": \"/\", \"user\": {\"uid\": \"0\"}}";

	ck_assert_int_eq(nsb_oci_process_parse("proc.json", ok, strlen(ok), &p), 0);
	ck_assert_str_eq(p.args.v[1], "-l");
	ck_assert(p.terminal);
	nsb_oci_process_free(&p);
	ck_assert_int_eq(nsb_oci_process_parse("proc.json", bad, strlen(bad), &p), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: proc.json: user.uid: must be an integer from 0 to "
	                           "4294967294 ('0')\n");
	ck_assert_ptr_null(p.args.v);
}
END_TEST

/* The config `spec` writes is one this parser takes, as root and rootless. */
START_TEST(test_default_spec_parses)
{
	for (int rootless = 0; rootless < 2; rootless++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		ck_assert_int_eq(nsb_oci_spec_default(f, rootless, 1000, 1000), 0);
		fclose(f);
		ck_assert_int_eq(parse_text(buf), 0);
		ck_assert_str_eq(logged(), "");
		ck_assert(spec.has_process && spec.process.terminal);
		ck_assert_int_eq(spec.linux_.ns[NSB_OCI_NS_USER].present, rootless);
		ck_assert_int_eq(spec.linux_.ns[NSB_OCI_NS_NETWORK].present, !rootless);
		if (rootless)
			ck_assert_uint_eq(spec.linux_.uid_mappings.v[0].host_id, 1000);
		free(buf);
	}
}
END_TEST

START_TEST(test_load)
{
	char *dir = fmt("%s/bundle", scratch), *path;

	ck_assert_int_eq(nsb_oci_spec_load(dir, &spec), -ENOENT);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	reset_log();
	ck_assert_int_eq(nsb_oci_spec_load(dir, &spec), -ENOENT);
	ck_assert_ptr_nonnull(strstr(logged(), "cannot read config.json in"));
	path = write_scratch("bundle/config.json",
	                     "{\"ociVersion\": \"1.0.0\", \"root\": "
	                     "{\"path\": \"rootfs\"}}",
	                     0644);
	ck_assert_int_eq(nsb_oci_spec_load(dir, &spec), 0);
	free(path);
	free(dir);
}
END_TEST

static Suite *spec_suite(void)
{
	Suite *s = suite_create("oci_spec");
	TCase *tc = tcase_create("spec");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_top);
	tcase_add_test(tc, test_version_root);
	tcase_add_test(tc, test_process);
	tcase_add_test(tc, test_capabilities_rlimits);
	tcase_add_test(tc, test_io_scheduler);
	tcase_add_test(tc, test_mounts);
	tcase_add_test(tc, test_mount_words);
	tcase_add_test(tc, test_hooks);
	tcase_add_test(tc, test_namespaces_idmaps);
	tcase_add_test(tc, test_linux_misc);
	tcase_add_test(tc, test_resources);
	tcase_add_test(tc, test_seccomp_object);
	tcase_add_test(tc, test_process_alone);
	tcase_add_test(tc, test_default_spec_parses);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(spec_suite)
