/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json (OCI runtime specification 1.2, Linux) -> struct nsb_oci_spec.
 *
 * nsb_oci_spec_parse() checks everything that can be checked without the
 * host: types, ranges, enumerations, option words, and the rules between
 * fields (a hostname needs a new uts namespace, id mappings need a user
 * namespace, a sysctl needs the namespace that owns it, ...). An error is
 * logged once as
 *     config.json: <path>: <problem> ('<value>')
 * and a value nsbox-oci does not support as
 *     config.json: linux.intelRdt: not supported
 * Unknown properties are ignored, as the specification requires, and so
 * are the other platforms' sections (windows, solaris, vm, zos, freebsd)
 * and Windows-only fields (process.user.username, process.commandLine).
 *
 * Design choices where the specification leaves room (documented here
 * because phase 2 builds on them):
 * - JSON null counts as absent, as in Go's decoder that runc uses.
 * - A relative mount destination is taken relative to "/" (runc warns and
 *   does the same); it is stored with the leading "/".
 * - Mount options: the words of mount(8) and the OCI features list set
 *   flags (ms_set/ms_clear), recursive attributes (attr_set/attr_clear,
 *   MOUNT_ATTR_*), propagation, bind/rbind, idmap/ridmap and tmpcopyup;
 *   every other word is filesystem data (size=, mode=, newinstance, ...),
 *   kept in order in `data`. Data words on a bind mount are an error (the
 *   kernel would ignore them). "defaults" means rw,suid,dev,exec,async.
 * - Mount types: bind (or none with bind/rbind), tmpfs, proc, sysfs,
 *   devpts, mqueue, cgroup, cgroup2, and any other filesystem name made of
 *   [A-Za-z0-9_.-] (mounted by name with fsopen in phase 2).
 * - Capability names must be spelled CAP_X exactly; names this kernel does
 *   not have are kept (phase 2 skips them with a warning, as runc does).
 * - Unknown rlimit or capability names, duplicate rlimits and duplicate
 *   namespace types are errors.
 * - rootfsPropagation accepts the four values of the specification and
 *   their recursive spellings (rprivate, ...), as runc does.
 * - execCPUAffinity, linux.intelRdt, linux.memoryPolicy, linux.netDevices
 *   and personality flags are refused as not supported. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/json.h"

/* The version of the runtime specification nsbox-oci implements, as it
 * reports it (state, features, spec). */
#define NSB_OCI_VERSION "1.2.0"

/* Caps on array lengths and map sizes in config.json. */
#define NSB_OCI_MAX_ITEMS 65536
/* The kernel's limit on the lines of uid_map / gid_map. */
#define NSB_OCI_MAX_IDMAP 340

/* n strings, v[n] is NULL (ready for execve). */
struct nsb_strv {
	char **v;
	size_t n;
};

struct nsb_oci_kv {
	char *key, *value;
};

struct nsb_oci_map {
	struct nsb_oci_kv *v;
	size_t n;
};

struct nsb_oci_idmap {
	uint32_t container_id, host_id, size;
};

struct nsb_oci_idmaps {
	struct nsb_oci_idmap *v;
	size_t n;
};

/* An optional number: set tells whether the property was there. */
struct nsb_oci_i64 {
	bool set;
	int64_t v;
};
struct nsb_oci_u64 {
	bool set;
	uint64_t v;
};

/* --- mounts ------------------------------------------------------------------ */

enum nsb_oci_mount_type {
	NSB_OCI_MNT_BIND,
	NSB_OCI_MNT_TMPFS,
	NSB_OCI_MNT_PROC,
	NSB_OCI_MNT_SYSFS,
	NSB_OCI_MNT_DEVPTS,
	NSB_OCI_MNT_MQUEUE,
	NSB_OCI_MNT_CGROUP,
	NSB_OCI_MNT_CGROUP2,
	NSB_OCI_MNT_OTHER, /* fstype holds the filesystem name */
};

struct nsb_oci_mount {
	char *destination; /* absolute */
	char *source;      /* NULL if absent; relative bind sources are relative to the bundle */
	char *fstype;      /* the "type" property as given, NULL if absent */
	enum nsb_oci_mount_type type;
	bool recursive; /* rbind */
	/* mount(2) flags (MS_RDONLY, MS_NOSUID, ...) the options set or clear,
	 * last word wins; for a bind they apply to its top mount. */
	unsigned long ms_set, ms_clear;
	/* Recursive attributes (rro, rnosuid, ...): MOUNT_ATTR_* for
	 * mount_setattr(AT_RECURSIVE). attr_atime is the MOUNT_ATTR__ATIME
	 * value to set when attr_set_atime. */
	uint64_t attr_set, attr_clear;
	bool attr_set_atime;
	uint64_t attr_atime;
	/* Propagation of the mount: MS_PRIVATE, MS_SLAVE, MS_SHARED or
	 * MS_UNBINDABLE, with MS_REC for the r- spellings; 0 if not given. */
	unsigned long propagation;
	bool idmap, ridmap; /* idmapped mount (uid_mappings / gid_mappings) */
	bool tmpcopyup;     /* tmpfs: copy what the destination held */
	char *data;         /* filesystem options joined by ',', NULL if none */
	struct nsb_oci_idmaps uid_mappings, gid_mappings;
};

/* --- process ------------------------------------------------------------------- */

enum nsb_oci_cap_set {
	NSB_OCI_CAP_BOUNDING,
	NSB_OCI_CAP_EFFECTIVE,
	NSB_OCI_CAP_INHERITABLE,
	NSB_OCI_CAP_PERMITTED,
	NSB_OCI_CAP_AMBIENT,
	NSB_OCI_CAP_N_SETS,
};

struct nsb_oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

enum nsb_oci_ioprio_class { NSB_OCI_IOPRIO_RT = 1, NSB_OCI_IOPRIO_BE = 2, NSB_OCI_IOPRIO_IDLE = 3 };

struct nsb_oci_process {
	bool terminal;
	bool has_console_size;
	unsigned short console_height, console_width;
	uint32_t uid, gid;
	bool has_umask;
	mode_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	struct nsb_strv args;              /* at least one */
	struct nsb_strv env;               /* each "KEY=VALUE" */
	char *cwd;                         /* absolute */
	bool has_caps;                     /* "capabilities" present: else phase 2 keeps none */
	uint64_t caps[NSB_OCI_CAP_N_SETS]; /* bit n = capability n */
	struct nsb_oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj; /* -1000..1000 */
	char *selinux_label;
	char *apparmor_profile;
	bool has_io_priority;
	enum nsb_oci_ioprio_class io_class;
	int io_priority; /* 0..7 */
	bool has_scheduler;
	int sched_policy; /* SCHED_* */
	int sched_nice;
	int sched_priority;
	uint64_t sched_flags; /* SCHED_FLAG_* */
	uint64_t sched_runtime, sched_deadline, sched_period;
};

/* --- hooks ---------------------------------------------------------------------- */

enum nsb_oci_hook_kind {
	NSB_OCI_HOOK_PRESTART,
	NSB_OCI_HOOK_CREATE_RUNTIME,
	NSB_OCI_HOOK_CREATE_CONTAINER,
	NSB_OCI_HOOK_START_CONTAINER,
	NSB_OCI_HOOK_POSTSTART,
	NSB_OCI_HOOK_POSTSTOP,
	NSB_OCI_HOOK_N_KINDS,
};

struct nsb_oci_hook {
	char *path;           /* absolute */
	struct nsb_strv args; /* argv as given (args[0] included); empty: {path} */
	bool has_env;         /* env given ([] is an empty environment) */
	struct nsb_strv env;  /* the whole environment; absent: nsbox-oci's (as runc) */
	unsigned timeout;     /* seconds; 0 = none */
};

struct nsb_oci_hooks {
	struct nsb_oci_hook *v;
	size_t n;
};

/* --- linux ----------------------------------------------------------------------- */

enum nsb_oci_ns {
	NSB_OCI_NS_MOUNT,
	NSB_OCI_NS_PID,
	NSB_OCI_NS_NETWORK,
	NSB_OCI_NS_UTS,
	NSB_OCI_NS_IPC,
	NSB_OCI_NS_USER,
	NSB_OCI_NS_CGROUP,
	NSB_OCI_NS_TIME,
	NSB_OCI_NS_N,
};

struct nsb_oci_namespace {
	bool present; /* in linux.namespaces: a new one, or path's */
	char *path;   /* join this one (absolute), NULL: a new one */
};

struct nsb_oci_device {
	char type;            /* 'c', 'b', 'u' (unbuffered char), 'p' (fifo) */
	char *path;           /* absolute, in the container */
	int64_t major, minor; /* not used for 'p' */
	bool has_file_mode;
	mode_t file_mode; /* permission bits only */
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct nsb_oci_dev_rule {
	bool allow;
	char type;            /* 'a', 'c' or 'b' */
	int64_t major, minor; /* -1: any */
	unsigned access;      /* NSB_OCI_DEV_READ | WRITE | MKNOD */
};
#define NSB_OCI_DEV_READ 1u
#define NSB_OCI_DEV_WRITE 2u
#define NSB_OCI_DEV_MKNOD 4u

struct nsb_oci_blkio_dev {
	int64_t major, minor;
	struct nsb_oci_u64 weight, leaf_weight; /* weightDevice */
	uint64_t rate;                          /* throttle lists */
};

struct nsb_oci_blkio_devs {
	struct nsb_oci_blkio_dev *v;
	size_t n;
};

struct nsb_oci_hugepage {
	char *page_size; /* "2MB", "1GB" */
	uint64_t limit;
};

struct nsb_oci_rdma {
	char *device;
	struct nsb_oci_u64 hca_handles, hca_objects;
};

struct nsb_oci_net_prio {
	char *name;
	uint32_t priority;
};

struct nsb_oci_resources {
	bool present;
	struct nsb_oci_dev_rule *devices;
	size_t n_devices;
	struct {
		struct nsb_oci_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct nsb_oci_u64 swappiness;
		bool has_disable_oom_killer, disable_oom_killer;
		bool has_use_hierarchy, use_hierarchy;
		bool check_before_update;
	} memory;
	struct {
		struct nsb_oci_u64 shares, period, realtime_period, burst;
		struct nsb_oci_i64 quota, realtime_runtime, idle;
		char *cpus, *mems;
	} cpu;
	struct nsb_oci_i64 pids_limit;
	struct {
		struct nsb_oci_u64 weight, leaf_weight;
		struct nsb_oci_blkio_devs weight_device, throttle_read_bps, throttle_write_bps,
		        throttle_read_iops, throttle_write_iops;
	} blkio;
	struct nsb_oci_hugepage *hugepages;
	size_t n_hugepages;
	struct {
		struct nsb_oci_u64 class_id;
		struct nsb_oci_net_prio *priorities;
		size_t n_priorities;
	} network;
	struct nsb_oci_rdma *rdma;
	size_t n_rdma;
	struct nsb_oci_map unified; /* cgroup v2 file -> value */
};

/* linux.seccomp, checked but not compiled (oci/seccomp.h compiles it). */
enum nsb_oci_sc_action {
	NSB_OCI_SC_KILL, /* = KILL_THREAD */
	NSB_OCI_SC_KILL_PROCESS,
	NSB_OCI_SC_KILL_THREAD,
	NSB_OCI_SC_TRAP,
	NSB_OCI_SC_ERRNO,
	NSB_OCI_SC_TRACE,
	NSB_OCI_SC_ALLOW,
	NSB_OCI_SC_LOG,
	NSB_OCI_SC_NOTIFY,
};

enum nsb_oci_sc_op {
	NSB_OCI_SC_NE,
	NSB_OCI_SC_LT,
	NSB_OCI_SC_LE,
	NSB_OCI_SC_EQ,
	NSB_OCI_SC_GE,
	NSB_OCI_SC_GT,
	NSB_OCI_SC_MASKED_EQ,
};

#define NSB_OCI_SC_FLAG_TSYNC (1u << 0)
#define NSB_OCI_SC_FLAG_LOG (1u << 1)
#define NSB_OCI_SC_FLAG_SPEC_ALLOW (1u << 2)
#define NSB_OCI_SC_FLAG_WAIT_KILLABLE_RECV (1u << 3)

struct nsb_oci_sc_arg {
	unsigned index; /* 0..5 */
	uint64_t value, value_two;
	enum nsb_oci_sc_op op;
};

struct nsb_oci_sc_rule {
	struct nsb_strv names;
	enum nsb_oci_sc_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct nsb_oci_sc_arg *args;
	size_t n_args;
};

struct nsb_oci_seccomp {
	bool present;
	enum nsb_oci_sc_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct nsb_strv architectures; /* "SCMP_ARCH_X86_64", ... */
	unsigned flags;                /* NSB_OCI_SC_FLAG_* */
	char *listener_path;
	char *listener_metadata;
	struct nsb_oci_sc_rule *syscalls;
	size_t n_syscalls;
};

struct nsb_oci_linux {
	struct nsb_oci_namespace ns[NSB_OCI_NS_N];
	struct nsb_oci_idmaps uid_mappings, gid_mappings;
	struct nsb_oci_device *devices;
	size_t n_devices;
	struct nsb_strv masked_paths, readonly_paths;
	struct nsb_oci_map sysctl;
	struct nsb_oci_seccomp seccomp;
	struct nsb_oci_resources resources;
	char *cgroups_path;               /* NULL if absent */
	unsigned long rootfs_propagation; /* MS_PRIVATE... | MS_REC, 0 if absent */
	char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	bool has_time_offsets[2];  /* boottime, monotonic */
	int64_t time_offset_secs[2];
	uint32_t time_offset_nsecs[2];
};

struct nsb_oci_spec {
	char *oci_version;
	char *root_path; /* as given: relative paths are relative to the bundle */
	bool root_readonly;
	struct nsb_oci_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct nsb_oci_process process;
	char *hostname, *domainname; /* NULL if absent */
	struct nsb_oci_map annotations;
	struct nsb_oci_hooks hooks[NSB_OCI_HOOK_N_KINDS];
	struct nsb_oci_linux linux_;
};

/* Parse config.json text (file names it in messages). 0, or -EINVAL /
 * -ENOMEM / -EOPNOTSUPP (no json-c) after logging one message. *ret is
 * zeroed first and left empty on failure. */
int nsb_oci_spec_parse(const char *file, const char *text, size_t len, struct nsb_oci_spec *ret);

/* Read BUNDLE/config.json (at most NSB_JSON_MAX_SIZE bytes) and parse it;
 * messages name "config.json". */
int nsb_oci_spec_load(const char *bundle, struct nsb_oci_spec *ret);

/* Parse a process object alone (exec --process FILE); file names it in
 * messages and paths start at its root ("args", "user.uid"). */
int nsb_oci_process_parse(const char *file, const char *text, size_t len,
                          struct nsb_oci_process *ret);

void nsb_oci_spec_free(struct nsb_oci_spec *spec);
void nsb_oci_process_free(struct nsb_oci_process *p);

/* Checks that depend on the host: AppArmor enabled when a profile is
 * asked for, SELinux enabled and the labels valid (process.selinuxLabel,
 * linux.mountLabel; this loads libselinux for the container's set-up).
 * 0 or -errno, logged. */
int nsb_oci_spec_check_host(const struct nsb_oci_spec *spec);
/* The same for one process (exec --process): its AppArmor profile and
 * SELinux label. WHAT prefixes the JSON paths in messages. */
int nsb_oci_process_check_host(const struct nsb_oci_process *p, const char *what);
/* The same for a profile and a label given apart (NULL or "" for none),
 * each named in messages by its WHAT ("exec: --apparmor"). */
int nsb_oci_check_labels(const char *apparmor_what, const char *apparmor, const char *selinux_what,
                         const char *selinux);

/* Names, for features and messages. */
const char *nsb_oci_ns_name(enum nsb_oci_ns ns);
const char *nsb_oci_hook_name(enum nsb_oci_hook_kind kind);
/* "CAP_CHOWN"... for 0..NSB_OCI_CAP_MAX, or NULL. */
#define NSB_OCI_CAP_MAX 40
const char *nsb_oci_cap_name(int cap);
/* The i-th mount option word nsbox-oci recognises, NULL past the last. */
const char *nsb_oci_mount_option_word(size_t i);
/* "SCMP_ACT_ERRNO", "SCMP_CMP_EQ", "SECCOMP_FILTER_FLAG_LOG" (bit n of
 * NSB_OCI_SC_FLAG_*), or NULL past the end. */
const char *nsb_oci_sc_action_name(enum nsb_oci_sc_action a);
const char *nsb_oci_sc_op_name(enum nsb_oci_sc_op op);
const char *nsb_oci_sc_flag_name(unsigned bit);
/* The architecture names linux.seccomp.architectures accepts (NULL-terminated). */
extern const char *const nsb_oci_seccomp_arch_names[];

/* Free the resources part alone (update --resources reads only that). */
void nsb_oci_resources_free(struct nsb_oci_resources *res);
/* Parse a resources object alone (update --resources FILE). */
int nsb_oci_resources_parse(const char *file, const char *text, size_t len,
                            struct nsb_oci_resources *ret);
