/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cgroups: linux.resources as the v1 and v2 writes (pure), cgroup paths
 * (cgroupsPath, relative, default, --systemd-cgroup), the v2 device
 * program run through a small eBPF interpreter, and, as root, real
 * cgroups: a v1 container cgroup with limits, freezer, pids, kill and
 * removal, and the unified hierarchy (cgroup.freeze, cgroup.kill, the
 * device program attached for real) in a test cgroup of its own. */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "oci-harness.h"
#include "oci/cgroup.h"
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

static const struct nsb_oci_resources *resources(const char *json)
{
	char *text = fmt("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": "
	                 "{\"resources\": %s}}",
	                 json);

	nsb_oci_spec_free(&spec);
	reset_log();
	ck_assert_msg(nsb_oci_spec_parse("config.json", text, strlen(text), &spec) == 0, "%s",
	              logged());
	free(text);
	return &spec.linux_.resources;
}

/* The plan as "ctrl file=value" lines. */
static char *plan_text(const char *json, bool v2, int *ret)
{
	struct nsb_cg_write *ws = NULL;
	char *buf = NULL;
	size_t n = 0, len = 0;
	FILE *f = open_memstream(&buf, &len);
	const struct nsb_oci_resources *res = resources(json);

	*ret = nsb_cgroup_plan(res, v2, &ws, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s%s%s=%s\n",
		        ws[i].ctrl < NSB_CG_N_CTRL ? nsb_cgroup_ctrl_name(ws[i].ctrl, v2) : "?",
		        ws[i].file, ws[i].alt[0] ? "|" : "", ws[i].alt, ws[i].value);
	fclose(f);
	free(ws);
	return buf;
}

#define FULL                                                                                      \
	"{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": "    \
	"\"c\", "                                                                                 \
	"\"major\": 1, \"minor\": 3, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"b\", "   \
	"\"major\": 8, \"access\": \"r\"}], \"memory\": {\"limit\": 536870912, \"reservation\": " \
	"268435456, \"swap\": 1073741824, \"swappiness\": 10, \"disableOOMKiller\": true}, "      \
	"\"cpu\": "                                                                               \
	"{\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0-1\", \"mems\": "  \
	"\"0\", \"burst\": 1000}, \"pids\": {\"limit\": 2048}, \"blockIO\": {\"weight\": 500, "   \
	"\"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 300}], "                     \
	"\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 1048576}], "          \
	"\"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 100}]}, "           \
	"\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}], \"rdma\": "           \
	"{\"mlx4_0\": "                                                                           \
	"{\"hcaHandles\": 3}}}"

START_TEST(test_plan)
{
	int r;
	char *t;

	t = plan_text(FULL, false, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(t, "devices devices.deny=a *:* rwm\n"
	                    "devices devices.allow=c 1:3 rwm\n"
	                    "devices devices.allow=b 8:* r\n"
	                    "memory memory.memsw.limit_in_bytes=-1\n"
	                    "memory memory.limit_in_bytes=536870912\n"
	                    "memory memory.memsw.limit_in_bytes=1073741824\n"
	                    "memory memory.soft_limit_in_bytes=268435456\n"
	                    "memory memory.swappiness=10\n"
	                    "memory memory.oom_control=1\n"
	                    "cpuset cpuset.cpus=0-1\n"
	                    "cpuset cpuset.mems=0\n"
	                    "cpu cpu.shares=1024\n"
	                    "cpu cpu.cfs_period_us=100000\n"
	                    "cpu cpu.cfs_quota_us=50000\n"
	                    "cpu cpu.cfs_burst_us=1000\n"
	                    "pids pids.max=2048\n"
	                    "blkio blkio.weight|blkio.bfq.weight=500\n"
	                    "blkio blkio.weight_device|blkio.bfq.weight_device=8:0 300\n"
	                    "blkio blkio.throttle.read_bps_device=8:0 1048576\n"
	                    "blkio blkio.throttle.write_iops_device=8:0 100\n"
	                    "hugetlb hugetlb.2MB.limit_in_bytes=4194304\n"
	                    "rdma rdma.max=mlx4_0 hca_handle=3 hca_object=max\n");
	free(t);
	t = plan_text(FULL, true, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(t, "memory memory.max=536870912\n"
	                    "memory memory.swap.max=536870912\n"
	                    "memory memory.low=268435456\n"
	                    "cpuset cpuset.cpus=0-1\n"
	                    "cpuset cpuset.mems=0\n"
	                    "cpu cpu.weight=39\n"
	                    "cpu cpu.max=50000 100000\n"
	                    "cpu cpu.max.burst=1000\n"
	                    "pids pids.max=2048\n"
	                    "io io.bfq.weight|io.weight=500\n"
	                    "io io.weight=8:0 2930\n"
	                    "io io.max=8:0 rbps=1048576\n"
	                    "io io.max=8:0 wiops=100\n"
	                    "hugetlb hugetlb.2MB.max=4194304\n"
	                    "rdma rdma.max=mlx4_0 hca_handle=3 hca_object=max\n");
	/* What v2 lacks is said, not skipped in silence. */
	ck_assert_str_eq(logged(),
	                 "nsbox-oci: config.json: linux.resources.memory.swappiness: "
	                 "not available on cgroup v2, ignored\n"
	                 "nsbox-oci: config.json: linux.resources.memory.disableOOMKiller:"
	                 " not available on cgroup v2, ignored\n");
	free(t);
}
END_TEST

START_TEST(test_plan_edges)
{
	static const struct {
		const char *json;
		bool v2;
		int r;
		const char *plan, *msg;
	} cases[] = {
	        {"{\"memory\": {\"limit\": -1, \"swap\": -1}}", true, 0,
	         "memory memory.max=max\nmemory memory.swap.max=max\n", ""},
	        {"{\"memory\": {\"swap\": 100}}", true, -EINVAL, "",
	         "nsbox-oci: config.json: linux.resources.memory.swap: needs a memory.limit on "
	         "cgroup v2 ('100')\n"},
	        {"{\"pids\": {\"limit\": 0}}", true, 0, "pids pids.max=max\n", ""},
	        {"{\"pids\": {\"limit\": -1}}", false, 0, "pids pids.max=max\n", ""},
	        {"{\"cpu\": {\"period\": 50000}}", true, 0, "cpu cpu.max=max 50000\n", ""},
	        {"{\"cpu\": {\"quota\": -1}}", false, 0, "cpu cpu.cfs_quota_us=-1\n", ""},
	        {"{\"cpu\": {\"shares\": 2}}", true, 0, "cpu cpu.weight=1\n", ""},
	        {"{\"cpu\": {\"shares\": 262144}}", true, 0, "cpu cpu.weight=10000\n", ""},
	        {"{\"cpu\": {\"realtimeRuntime\": 1000}}", true, -EOPNOTSUPP, "",
	         "nsbox-oci: config.json: linux.resources.cpu.realtimeRuntime: real-time limits "
	         "are not available on cgroup v2\n"},
	        {"{\"cpu\": {\"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000}}", false, 0,
	         "cpu cpu.rt_period_us=1000000\ncpu cpu.rt_runtime_us=950000\n", ""},
	        {"{\"unified\": {\"memory.high\": \"100M\"}}", false, -EOPNOTSUPP, "",
	         "nsbox-oci: config.json: linux.resources.unified: needs cgroup v2 (this host has "
	         "v1 controllers)\n"},
	        {"{\"unified\": {\"memory.high\": \"100M\", \"io.latency\": \"8:0 target=10\"}}",
	         true, 0, "memory memory.high=100M\nio io.latency=8:0 target=10\n", ""},
	        {"{\"memory\": {\"kernel\": 1000}}", false, 0, "",
	         "nsbox-oci: config.json: linux.resources.memory.kernel: kernel memory limits are "
	         "deprecated by Linux, ignored (as runc does)\n"},
	        {"{\"network\": {\"classID\": 16, \"priorities\": [{\"name\": \"eth0\", "
	         "\"priority\": 3}]}}",
	         false, 0, "net_cls net_cls.classid=16\nnet_prio net_prio.ifpriomap=eth0 3\n", ""},
	        {"{\"network\": {\"classID\": 16}}", true, 0, "",
	         "nsbox-oci: config.json: linux.resources.network: not available on cgroup v2, "
	         "ignored\n"},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;
		char *t = plan_text(cases[i].json, cases[i].v2, &r);

		if (r != cases[i].r || strcmp(t, cases[i].plan) != 0 ||
		    strcmp(logged(), cases[i].msg) != 0) {
			fprintf(stderr, "case %zu: r=%d plan:\n%s log: %s", i, r, t, logged());
			bad++;
		}
		free(t);
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

static struct nsb_cg_layout fake_layout(bool v2, bool rootless)
{
	struct nsb_cg_layout l = {.rootless = rootless};

	if (v2) {
		l.mode = NSB_CG_UNIFIED;
		l.v2.mount = strdup("/sys/fs/cgroup");
		l.v2.self = strdup("/user.slice/user-1000.slice/session-1.scope");
	} else {
		l.mode = NSB_CG_LEGACY;
		l.n_v1 = 2;
		l.v1 = calloc(2, sizeof(*l.v1));
		l.v1[0].mount = strdup("/sys/fs/cgroup/memory");
		l.v1[0].self = strdup("/mem/self");
		l.v1[0].controllers = 1u << NSB_CG_MEMORY;
		l.v1[1].mount = strdup("/sys/fs/cgroup/systemd");
		l.v1[1].self = strdup("/user.slice/x.scope");
		l.v1[1].named = true;
	}
	return l;
}

START_TEST(test_paths)
{
	static const struct {
		bool v2, rootless, systemd;
		const char *cgroups_path, *want, *msg;
	} cases[] = {
	        {true, false, false, "/libpod_parent/libpod-abc", "/libpod_parent/libpod-abc",
	         NULL},
	        {true, false, false, "//a//b/", "/a/b", NULL},
	        {true, false, false, "rel/c", "/user.slice/user-1000.slice/session-1.scope/rel/c",
	         NULL},
	        {false, false, false, "rel", "/user.slice/x.scope/rel", NULL},
	        {true, false, false, NULL, "/nsbox-oci/ID", NULL},
	        {true, true, false, NULL,
	         "/user.slice/user-1000.slice/session-1.scope/nsbox-oci-ID", NULL},
	        {true, false, false, "/a/../b", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: not a cgroup path (no . or .. "
	         "components) ('/a/../b')\n"},
	        {true, false, false, "/", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: the root cgroup cannot be a "
	         "container's ('/')\n"},
	        {true, false, true, "machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope",
	         NULL},
	        {true, false, true, "system-foo-bar.slice:p:n",
	         "/system.slice/system-foo.slice/system-foo-bar.slice/p-n.scope", NULL},
	        {true, false, true, ":libpod:abc", "/system.slice/libpod-abc.scope", NULL},
	        {true, true, true, ":libpod:abc", "/user.slice/libpod-abc.scope", NULL},
	        {true, false, true, "-.slice::abc", "/abc.scope", NULL},
	        {true, false, true, "machine.slice:libpod:sub.slice", "/sub.slice", NULL},
	        {true, false, true, NULL, "/system.slice/nsbox-oci-ID.scope", NULL},
	        {true, false, true, "/not/systemd", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: with --systemd-cgroup it must be "
	         "slice:prefix:name, as machine.slice:libpod:ID ('/not/systemd')\n"},
	        {true, false, true, "machine:libpod:abc", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: with --systemd-cgroup it must be "
	         "slice:prefix:name, as machine.slice:libpod:ID ('machine:libpod:abc')\n"},
	        {true, false, true, "a--b.slice:p:n", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: with --systemd-cgroup it must be "
	         "slice:prefix:name, as machine.slice:libpod:ID ('a--b.slice:p:n')\n"},
	        {true, false, true, "m.slice:p:a/b", NULL,
	         "nsbox-oci: config.json: linux.cgroupsPath: with --systemd-cgroup it must be "
	         "slice:prefix:name, as machine.slice:libpod:ID ('m.slice:p:a/b')\n"},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nsb_cg_layout l = fake_layout(cases[i].v2, cases[i].rootless);
		char *got = NULL;
		int r;

		reset_log();
		r = nsb_cgroup_path(&l, cases[i].cgroups_path, cases[i].systemd, "ID", &got);
		if (cases[i].want ? (r != 0 || strcmp(got, cases[i].want) != 0)
		                  : (r != -EINVAL || strcmp(logged(), cases[i].msg) != 0)) {
			fprintf(stderr, "case %zu: r=%d got %s log %s", i, r, got ? got : "-",
			        logged());
			bad++;
		}
		free(got);
		nsb_cgroup_layout_free(&l);
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* --- the device program, interpreted ----------------------------------------------------- */

/* Enough eBPF for what nsb_cgroup_devices_bpf emits; anything else fails
 * the test. Returns r0. */
static int run_bpf(const struct bpf_insn *p, size_t n, uint32_t type, uint32_t access,
                   uint32_t major, uint32_t minor)
{
	uint32_t ctx[3] = {access << 16 | type, major, minor};
	uint64_t r[11] = {0};

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t *d = &r[i->dst_reg];
		uint64_t k = (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			ck_assert_int_eq(i->src_reg, BPF_REG_1);
			*d = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			*d = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*d = k;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*d &= k;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*d >>= i->imm;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)*d != (uint32_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (*d != k)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (*d == k)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			ck_abort_msg("unexpected instruction 0x%x at %zu", i->code, pc);
		}
	}
	ck_abort_msg("fell off the end");
	return -1;
}

#define CHR BPF_DEVCG_DEV_CHAR
#define BLK BPF_DEVCG_DEV_BLOCK
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

START_TEST(test_device_program)
{
	const struct nsb_oci_resources *res;
	void *insns;
	size_t n;

	/* podman's shape: deny all, then allow a few. */
	res = resources("{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, "
	                "\"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"}, "
	                "{\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rw\"}, "
	                "{\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": 0, "
	                "\"access\": \"r\"}, {\"allow\": false, \"type\": \"c\", \"major\": 136, "
	                "\"minor\": 7, \"access\": \"w\"}]}");
	ck_assert_int_eq(nsb_cgroup_devices_bpf(res->devices, res->n_devices, &insns, &n), 0);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R | W, 1, 3), 1);
	ck_assert_int_eq(run_bpf(insns, n, CHR, M, 1, 3), 1);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R, 1, 5), 0);
	ck_assert_int_eq(run_bpf(insns, n, BLK, R, 1, 3), 0);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R | W, 136, 2), 1);
	ck_assert_int_eq(run_bpf(insns, n, CHR, M, 136, 2), 0);
	ck_assert_int_eq(run_bpf(insns, n, BLK, R, 8, 0), 1);
	ck_assert_int_eq(run_bpf(insns, n, BLK, W, 8, 0), 0);
	/* The later deny of write wins over the earlier allow. */
	ck_assert_int_eq(run_bpf(insns, n, CHR, R, 136, 7), 1);
	ck_assert_int_eq(run_bpf(insns, n, CHR, W, 136, 7), 0);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R | W, 136, 7), 0);
	free(insns);

	/* No rule names it: allowed; a large major is compared as 32 bits. */
	res = resources("{\"devices\": [{\"allow\": false, \"type\": \"c\", \"major\": "
	                "4294967295, \"minor\": 0, \"access\": \"r\"}]}");
	ck_assert_int_eq(nsb_cgroup_devices_bpf(res->devices, res->n_devices, &insns, &n), 0);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R, 4294967295u, 0), 0);
	ck_assert_int_eq(run_bpf(insns, n, CHR, R, 4294967294u, 0), 1);
	ck_assert_int_eq(run_bpf(insns, n, BLK, R | W | M, 7, 7), 1);
	free(insns);
}
END_TEST

/* --- real cgroups, as root --------------------------------------------------------------- */

static bool can_cgroup(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "# skipped: real cgroups need root\n");
		return false;
	}
	return true;
}

static char *read_text(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return strdup("(unreadable)");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return strdup(buf);
}

static pid_t child_sleeping(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		for (;;)
			pause();
	}
	return pid;
}

START_TEST(test_v1_real)
{
	struct nsb_cg_layout l;
	const struct nsb_oci_resources *res;
	char *path, *dir, *v;
	pid_t pid, *pids;
	size_t n;
	bool made;
	int status;

	if (!can_cgroup())
		return;
	ck_assert_int_eq(nsb_cgroup_layout_detect("/sys/fs/cgroup", false, &l), 0);
	if (l.mode != NSB_CG_LEGACY && l.mode != NSB_CG_HYBRID) {
		fprintf(stderr, "# skipped: no v1 cgroup hierarchies here\n");
		nsb_cgroup_layout_free(&l);
		return;
	}
	path = fmt("/nsbox-oci-test-%d/c", (int)getpid());
	res = resources("{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true,"
	                " \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rwm\"}], "
	                "\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 64}, \"cpu\": "
	                "{\"shares\": 512, \"quota\": 20000, \"period\": 100000, \"cpus\": \"0\"},"
	                " \"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 254, \"minor\": 0,"
	                " \"rate\": 1048576}]}}");
	pid = child_sleeping();
	reset_log();
	ck_assert_int_eq(nsb_cgroup_create(&l, path, res, pid, &made), 0);
	ck_assert(made);
	ck_assert_str_eq(logged(), "");

	dir = fmt("/sys/fs/cgroup/memory%s/memory.limit_in_bytes", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "67108864");
	free(v);
	free(dir);
	dir = fmt("/sys/fs/cgroup/pids%s/pids.max", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "64");
	free(v);
	free(dir);
	dir = fmt("/sys/fs/cgroup/cpu%s/cpu.cfs_quota_us", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "20000");
	free(v);
	free(dir);
	dir = fmt("/sys/fs/cgroup/cpuset%s/cpuset.cpus", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "0");
	free(v);
	free(dir);
	dir = fmt("/sys/fs/cgroup/devices%s/devices.list", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "c 1:5 rwm");
	free(v);
	free(dir);
	/* The process is in every hierarchy's directory. */
	dir = fmt("/proc/%d/cgroup", (int)pid);
	v = read_text(dir);
	ck_assert_ptr_nonnull(strstr(v, tfmt(":memory:%s\n", path)));
	ck_assert_ptr_nonnull(strstr(v, tfmt(":freezer:%s\n", path)));
	free(v);
	free(dir);

	ck_assert_int_eq(nsb_cgroup_pids(&l, path, &pids, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(pids[0], pid);
	free(pids);

	ck_assert_int_eq(nsb_cgroup_freeze(&l, path, true), 0);
	dir = fmt("/sys/fs/cgroup/freezer%s/freezer.state", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "FROZEN");
	free(v);
	ck_assert_int_eq(nsb_cgroup_freeze(&l, path, false), 0);
	v = read_text(dir);
	ck_assert_str_eq(v, "THAWED");
	free(v);
	free(dir);

	/* update */
	res = resources("{\"pids\": {\"limit\": 32}}");
	ck_assert_int_eq(nsb_cgroup_update(&l, path, res), 0);
	dir = fmt("/sys/fs/cgroup/pids%s/pids.max", path);
	v = read_text(dir);
	ck_assert_str_eq(v, "32");
	free(v);
	free(dir);

	ck_assert_int_eq(nsb_cgroup_kill(&l, path, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(nsb_cgroup_destroy(&l, path), 0);
	dir = fmt("/sys/fs/cgroup/memory%s", path);
	ck_assert_int_eq(access(dir, F_OK), -1);
	free(dir);
	/* The test's parent directories: ours to remove. */
	for (size_t i = 0; i < l.n_v1; i++) {
		dir = fmt("%s/nsbox-oci-test-%d", l.v1[i].mount, (int)getpid());
		rmdir(dir);
		free(dir);
	}
	if (l.v2.mount) {
		dir = fmt("%s/nsbox-oci-test-%d", l.v2.mount, (int)getpid());
		rmdir(dir);
		free(dir);
	}
	free(path);
	nsb_cgroup_layout_free(&l);
}
END_TEST

/* The unified hierarchy as the only one: on a hybrid host that is
 * /sys/fs/cgroup/unified, without controllers, but with cgroup.freeze,
 * cgroup.kill and device programs. */
START_TEST(test_v2_real)
{
	struct nsb_cg_layout real, l = {.mode = NSB_CG_UNIFIED};
	const struct nsb_oci_resources *res;
	char *path, *dir, *v;
	pid_t pid, probe;
	int status, p[2];
	bool made;
	char out[64] = "";

	if (!can_cgroup())
		return;
	ck_assert_int_eq(nsb_cgroup_layout_detect("/sys/fs/cgroup", false, &real), 0);
	if (!real.v2.mount) {
		fprintf(stderr, "# skipped: no cgroup2 hierarchy here\n");
		nsb_cgroup_layout_free(&real);
		return;
	}
	l.v2.mount = strdup(real.v2.mount);
	l.v2.self = strdup(real.v2.self);
	nsb_cgroup_layout_free(&real);
	path = fmt("/nsbox-oci-test2-%d/c", (int)getpid());
	res = resources("{\"devices\": [{\"allow\": false, \"type\": \"c\", \"major\": 1, "
	                "\"minor\": 3, \"access\": \"rwm\"}]}");

	/* A child that, once moved, opens /dev/null and /dev/zero. */
	ck_assert_int_eq(pipe(p), 0);
	probe = fork();
	ck_assert_int_ge(probe, 0);
	if (probe == 0) {
		char go, line[64];
		int a, b;

		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(2);
		a = open("/dev/null", O_RDONLY);
		b = open("/dev/zero", O_RDONLY);
		snprintf(line, sizeof(line), "null=%d zero=%d", a >= 0 ? 0 : errno,
		         b >= 0 ? 0 : errno);
		_exit(write(2, "", 0) < 0 ? 3 : (a >= 0 ? 10 : 0) + (b >= 0 ? 1 : 0));
	}
	close(p[0]);
	reset_log();
	ck_assert_int_eq(nsb_cgroup_create(&l, path, res, probe, &made), 0);
	ck_assert(made);
	ck_assert_int_eq(write(p[1], "g", 1), 1);
	close(p[1]);
	ck_assert_int_eq(waitpid(probe, &status, 0), probe);
	/* /dev/null refused (EPERM), /dev/zero allowed. */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d", status);
	(void)out;

	/* freeze, pids, kill, destroy */
	pid = child_sleeping();
	dir = fmt("%s%s/cgroup.procs", l.v2.mount, path);
	{
		FILE *f = fopen(dir, "w");

		ck_assert_ptr_nonnull(f);
		fprintf(f, "%d", (int)pid);
		ck_assert_int_eq(fclose(f), 0);
	}
	free(dir);
	ck_assert_int_eq(nsb_cgroup_freeze(&l, path, true), 0);
	dir = fmt("%s%s/cgroup.events", l.v2.mount, path);
	v = read_text(dir);
	ck_assert_ptr_nonnull(strstr(v, "frozen 1"));
	free(v);
	ck_assert_int_eq(nsb_cgroup_freeze(&l, path, false), 0);
	v = read_text(dir);
	ck_assert_ptr_nonnull(strstr(v, "frozen 0"));
	free(v);
	free(dir);
	ck_assert_int_eq(nsb_cgroup_kill(&l, path, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_eq(nsb_cgroup_destroy(&l, path), 0);
	dir = fmt("%s/nsbox-oci-test2-%d", l.v2.mount, (int)getpid());
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
	free(path);
	nsb_cgroup_layout_free(&l);
}
END_TEST

START_TEST(test_rootless_without_delegation)
{
	struct nsb_cg_layout l = fake_layout(false, true);
	const struct nsb_oci_resources *res = resources("{\"pids\": {\"limit\": 5}}");
	bool made = true;

	reset_log();
	ck_assert_int_eq(nsb_cgroup_create(&l, "/x", res, 0, &made), 0);
	ck_assert(!made);
	ck_assert_str_eq(logged(), "nsbox-oci: linux.resources: no cgroup delegated to this user: "
	                           "the limits are not applied\n");
	nsb_cgroup_layout_free(&l);
}
END_TEST

START_TEST(test_detect)
{
	struct nsb_cg_layout l;

	ck_assert_int_eq(nsb_cgroup_layout_detect("/sys/fs/cgroup", false, &l), 0);
	if (l.mode == NSB_CG_UNIFIED)
		ck_assert_ptr_nonnull(l.v2.mount);
	if (l.mode == NSB_CG_HYBRID || l.mode == NSB_CG_LEGACY)
		ck_assert_uint_gt(l.n_v1, 0);
	for (size_t i = 0; i < l.n_v1; i++)
		ck_assert_int_eq(l.v1[i].self[0], '/');
	nsb_cgroup_layout_free(&l);
	/* No cgroup filesystem there: mode none, not an error. */
	ck_assert_int_eq(nsb_cgroup_layout_detect(scratch, false, &l), 0);
	ck_assert_int_eq(l.mode, NSB_CG_NONE);
	nsb_cgroup_layout_free(&l);
}
END_TEST

static Suite *cgroup_suite(void)
{
	Suite *s = suite_create("oci_cgroup");
	TCase *tc = tcase_create("cgroup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plan);
	tcase_add_test(tc, test_plan_edges);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_device_program);
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_rootless_without_delegation);
	tcase_add_test(tc, test_v1_real);
	tcase_add_test(tc, test_v2_real);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(cgroup_suite)
