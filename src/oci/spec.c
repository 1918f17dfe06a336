/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/mount.h>

#include "log.h"
#include "oci/spec-parse.h"
#include "oci/spec.h"
#include "selinux.h"
#include "util.h"

/* --- mounts ------------------------------------------------------------------ */

enum mopt_kind {
	MO_FLAG,     /* ms flag set (or cleared when clear) */
	MO_DEFAULTS, /* rw,suid,dev,exec,async */
	MO_ATTR,     /* recursive attribute */
	MO_ATIME,    /* recursive atime mode */
	MO_PROP,     /* propagation */
	MO_BIND,
	MO_RBIND,
	MO_IDMAP,
	MO_RIDMAP,
	MO_TMPCOPYUP,
};

struct mopt {
	const char *word;
	enum mopt_kind kind;
	bool clear;
	uint64_t value;
};

static const struct mopt mopts[] = {
        {"ro", MO_FLAG, false, MS_RDONLY},
        {"rw", MO_FLAG, true, MS_RDONLY},
        {"nosuid", MO_FLAG, false, MS_NOSUID},
        {"suid", MO_FLAG, true, MS_NOSUID},
        {"nodev", MO_FLAG, false, MS_NODEV},
        {"dev", MO_FLAG, true, MS_NODEV},
        {"noexec", MO_FLAG, false, MS_NOEXEC},
        {"exec", MO_FLAG, true, MS_NOEXEC},
        {"sync", MO_FLAG, false, MS_SYNCHRONOUS},
        {"async", MO_FLAG, true, MS_SYNCHRONOUS},
        {"dirsync", MO_FLAG, false, MS_DIRSYNC},
        {"remount", MO_FLAG, false, MS_REMOUNT},
        {"mand", MO_FLAG, false, MS_MANDLOCK},
        {"nomand", MO_FLAG, true, MS_MANDLOCK},
        {"noatime", MO_FLAG, false, MS_NOATIME},
        {"atime", MO_FLAG, true, MS_NOATIME},
        {"nodiratime", MO_FLAG, false, MS_NODIRATIME},
        {"diratime", MO_FLAG, true, MS_NODIRATIME},
        {"relatime", MO_FLAG, false, MS_RELATIME},
        {"norelatime", MO_FLAG, true, MS_RELATIME},
        {"strictatime", MO_FLAG, false, MS_STRICTATIME},
        {"nostrictatime", MO_FLAG, true, MS_STRICTATIME},
        {"lazytime", MO_FLAG, false, MS_LAZYTIME},
        {"nolazytime", MO_FLAG, true, MS_LAZYTIME},
        {"silent", MO_FLAG, false, MS_SILENT},
        {"loud", MO_FLAG, true, MS_SILENT},
        {"iversion", MO_FLAG, false, MS_I_VERSION},
        {"noiversion", MO_FLAG, true, MS_I_VERSION},
        {"nosymfollow", MO_FLAG, false, MS_NOSYMFOLLOW},
        {"symfollow", MO_FLAG, true, MS_NOSYMFOLLOW},
        {"defaults", MO_DEFAULTS, false, 0},
        {"rro", MO_ATTR, false, MOUNT_ATTR_RDONLY},
        {"rrw", MO_ATTR, true, MOUNT_ATTR_RDONLY},
        {"rnosuid", MO_ATTR, false, MOUNT_ATTR_NOSUID},
        {"rsuid", MO_ATTR, true, MOUNT_ATTR_NOSUID},
        {"rnodev", MO_ATTR, false, MOUNT_ATTR_NODEV},
        {"rdev", MO_ATTR, true, MOUNT_ATTR_NODEV},
        {"rnoexec", MO_ATTR, false, MOUNT_ATTR_NOEXEC},
        {"rexec", MO_ATTR, true, MOUNT_ATTR_NOEXEC},
        {"rnodiratime", MO_ATTR, false, MOUNT_ATTR_NODIRATIME},
        {"rdiratime", MO_ATTR, true, MOUNT_ATTR_NODIRATIME},
        {"rnosymfollow", MO_ATTR, false, MOUNT_ATTR_NOSYMFOLLOW},
        {"rsymfollow", MO_ATTR, true, MOUNT_ATTR_NOSYMFOLLOW},
        /* The atime modes are one field, not bits: the "no" spellings
         * go back to the kernel's default, relatime. */
        {"rnoatime", MO_ATIME, false, MOUNT_ATTR_NOATIME},
        {"ratime", MO_ATIME, false, MOUNT_ATTR_RELATIME},
        {"rrelatime", MO_ATIME, false, MOUNT_ATTR_RELATIME},
        {"rnorelatime", MO_ATIME, false, MOUNT_ATTR_RELATIME},
        {"rstrictatime", MO_ATIME, false, MOUNT_ATTR_STRICTATIME},
        {"rnostrictatime", MO_ATIME, false, MOUNT_ATTR_RELATIME},
        {"private", MO_PROP, false, MS_PRIVATE},
        {"rprivate", MO_PROP, false, MS_PRIVATE | MS_REC},
        {"shared", MO_PROP, false, MS_SHARED},
        {"rshared", MO_PROP, false, MS_SHARED | MS_REC},
        {"slave", MO_PROP, false, MS_SLAVE},
        {"rslave", MO_PROP, false, MS_SLAVE | MS_REC},
        {"unbindable", MO_PROP, false, MS_UNBINDABLE},
        {"runbindable", MO_PROP, false, MS_UNBINDABLE | MS_REC},
        {"bind", MO_BIND, false, 0},
        {"rbind", MO_RBIND, false, 0},
        {"idmap", MO_IDMAP, false, 0},
        {"ridmap", MO_RIDMAP, false, 0},
        {"tmpcopyup", MO_TMPCOPYUP, false, 0},
};

const char *nsb_oci_mount_option_word(size_t i)
{
	return i < NSB_ELEMENTSOF(mopts) ? mopts[i].word : NULL;
}

static const struct mopt *mopt_find(const char *w)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(mopts); i++)
		if (strcmp(mopts[i].word, w) == 0)
			return &mopts[i];
	return NULL;
}

static int data_append(const struct nsb_jcur *c, char **data, const char *w)
{
	size_t old = *data ? strlen(*data) : 0, add = strlen(w);
	char *n;

	if (old + add + 2 > 65536)
		return nsb_j_errp(c->up, "filesystem options longer than 65535 bytes");
	n = realloc(*data, old + add + 2);
	if (!n)
		return nsb_sp_oom(c);
	if (old)
		n[old++] = ',';
	memcpy(n + old, w, add + 1);
	*data = n;
	return 0;
}

struct mount_words {
	bool bind, rbind, idmap_w, ridmap_w, tmpcopyup;
	const struct nsb_jcur *first_data; /* for the message on a bind */
	struct nsb_jcur first_data_cur;
};

static int mount_option(struct nsb_oci_mount *m, struct mount_words *w, const struct nsb_jcur *c,
                        const char *s)
{
	const struct mopt *o = mopt_find(s);

	if (!*s)
		return nsb_j_err(c, "empty mount option");
	if (strchr(s, ','))
		return nsb_j_err(c, "one option per element (no commas)");
	if (!o) {
		if (!w->first_data) {
			w->first_data_cur = *c;
			w->first_data = &w->first_data_cur;
		}
		return data_append(c, &m->data, s);
	}
	switch (o->kind) {
	case MO_FLAG:
		if (o->clear) {
			m->ms_clear |= o->value;
			m->ms_set &= ~o->value;
		} else {
			m->ms_set |= o->value;
			m->ms_clear &= ~o->value;
		}
		break;
	case MO_DEFAULTS: {
		unsigned long f = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS;

		m->ms_clear |= f;
		m->ms_set &= ~f;
		break;
	}
	case MO_ATTR:
		if (o->clear) {
			m->attr_clear |= o->value;
			m->attr_set &= ~o->value;
		} else {
			m->attr_set |= o->value;
			m->attr_clear &= ~o->value;
		}
		break;
	case MO_ATIME:
		m->attr_set_atime = true;
		m->attr_atime = o->value;
		break;
	case MO_PROP:
		m->propagation = o->value;
		break;
	case MO_BIND:
		w->bind = true;
		break;
	case MO_RBIND:
		w->rbind = true;
		break;
	case MO_IDMAP:
		w->idmap_w = true;
		break;
	case MO_RIDMAP:
		w->ridmap_w = true;
		break;
	case MO_TMPCOPYUP:
		w->tmpcopyup = true;
		break;
	}
	return 0;
}

static const struct {
	const char *name;
	enum nsb_oci_mount_type type;
} mount_types[] = {
        {"bind", NSB_OCI_MNT_BIND},     {"tmpfs", NSB_OCI_MNT_TMPFS},
        {"proc", NSB_OCI_MNT_PROC},     {"sysfs", NSB_OCI_MNT_SYSFS},
        {"devpts", NSB_OCI_MNT_DEVPTS}, {"mqueue", NSB_OCI_MNT_MQUEUE},
        {"cgroup", NSB_OCI_MNT_CGROUP}, {"cgroup2", NSB_OCI_MNT_CGROUP2},
};

static bool fstype_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

static int mount_parse(const struct nsb_jcur *c, struct nsb_oci_mount *m)
{
	struct mount_words w = {0};
	struct nsb_jcur d, t, o, um, gm;
	const char *dest;
	bool has_type, has_um, has_gm;
	size_t n = 0;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	r = nsb_sp_need(c, "destination", &d);
	if (r < 0)
		return r;
	r = nsb_j_string(&d, &dest);
	if (r < 0)
		return r;
	if (!*dest)
		return nsb_j_err(&d, "must not be empty");
	if (strlen(dest) >= PATH_MAX - 1)
		return nsb_j_errp(&d, "longer than %d bytes", PATH_MAX - 2);
	/* Relative destinations are relative to "/", as runc takes them. */
	if (asprintf(&m->destination, "%s%s", dest[0] == '/' ? "" : "/", dest) < 0) {
		m->destination = NULL;
		return nsb_sp_oom(c);
	}
	r = nsb_sp_opt_str(c, "source", &m->source);
	if (r < 0)
		return r;
	r = nsb_sp_opt_str(c, "type", &m->fstype);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "options", &o)) {
		r = nsb_j_array(&o, 1024, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			struct nsb_jcur e;
			const char *s;

			nsb_j_element(&o, i, &e);
			r = nsb_j_string(&e, &s);
			if (r < 0)
				return r;
			r = mount_option(m, &w, &e, s);
			if (r < 0)
				return r;
		}
	}

	has_type = nsb_j_member(c, "type", &t) && m->fstype && m->fstype[0];
	if (w.bind || w.rbind) {
		m->type = NSB_OCI_MNT_BIND;
	} else if (!has_type) {
		return nsb_j_errp(c, "missing 'type' (and no bind or rbind option)");
	} else if (strcmp(m->fstype, "none") == 0) {
		return nsb_j_err(&t, "type none needs the bind or rbind option");
	} else {
		size_t i;

		if (!fstype_name_ok(m->fstype))
			return nsb_j_err(&t, "not a filesystem type name");
		for (i = 0; i < NSB_ELEMENTSOF(mount_types); i++)
			if (strcmp(mount_types[i].name, m->fstype) == 0)
				break;
		m->type = i < NSB_ELEMENTSOF(mount_types) ? mount_types[i].type : NSB_OCI_MNT_OTHER;
	}
	m->recursive = w.rbind;
	if (m->type == NSB_OCI_MNT_BIND) {
		if (!m->source || !m->source[0])
			return nsb_j_errp(c, "a bind mount needs a 'source'");
		if (w.first_data)
			return nsb_j_err(w.first_data, "not an option of a bind mount");
	}
	if (w.tmpcopyup && m->type != NSB_OCI_MNT_TMPFS)
		return nsb_j_errp(c, "the tmpcopyup option is only for tmpfs mounts");
	if (w.idmap_w && w.ridmap_w)
		return nsb_j_errp(c, "options idmap and ridmap both given");
	m->tmpcopyup = w.tmpcopyup;

	has_um = nsb_j_member(c, "uidMappings", &um);
	has_gm = nsb_j_member(c, "gidMappings", &gm);
	if (has_um) {
		r = nsb_sp_idmaps_parse(&um, &m->uid_mappings);
		if (r < 0)
			return r;
	}
	if (has_gm) {
		r = nsb_sp_idmaps_parse(&gm, &m->gid_mappings);
		if (r < 0)
			return r;
	}
	if ((m->uid_mappings.n > 0) != (m->gid_mappings.n > 0))
		return nsb_j_errp(c, "uidMappings and gidMappings must be given together");
	m->idmap = w.idmap_w || (m->uid_mappings.n > 0 && !w.ridmap_w);
	m->ridmap = w.ridmap_w;
	if ((m->idmap || m->ridmap) && m->type != NSB_OCI_MNT_BIND)
		return nsb_j_errp(c, "idmapped mounts are only supported for bind mounts");
	return 0;
}

static int mounts_parse(const struct nsb_jcur *root, struct nsb_oci_spec *s)
{
	struct nsb_jcur c;
	size_t n;
	int r;

	if (!nsb_j_member(root, "mounts", &c))
		return 0;
	r = nsb_j_array(&c, NSB_OCI_MAX_ITEMS, &n);
	if (r < 0)
		return r;
	r = nsb_sp_alloc_n(&c, n, sizeof(*s->mounts), &s->mounts);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_jcur e;

		nsb_j_element(&c, i, &e);
		s->n_mounts++;
		r = mount_parse(&e, &s->mounts[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- process --------------------------------------------------------------------- */

#define CAPN(x) [x] = #x
static const char *const cap_names[NSB_OCI_CAP_MAX + 1] = {
        CAPN(CAP_CHOWN),
        CAPN(CAP_DAC_OVERRIDE),
        CAPN(CAP_DAC_READ_SEARCH),
        CAPN(CAP_FOWNER),
        CAPN(CAP_FSETID),
        CAPN(CAP_KILL),
        CAPN(CAP_SETGID),
        CAPN(CAP_SETUID),
        CAPN(CAP_SETPCAP),
        CAPN(CAP_LINUX_IMMUTABLE),
        CAPN(CAP_NET_BIND_SERVICE),
        CAPN(CAP_NET_BROADCAST),
        CAPN(CAP_NET_ADMIN),
        CAPN(CAP_NET_RAW),
        CAPN(CAP_IPC_LOCK),
        CAPN(CAP_IPC_OWNER),
        CAPN(CAP_SYS_MODULE),
        CAPN(CAP_SYS_RAWIO),
        CAPN(CAP_SYS_CHROOT),
        CAPN(CAP_SYS_PTRACE),
        CAPN(CAP_SYS_PACCT),
        CAPN(CAP_SYS_ADMIN),
        CAPN(CAP_SYS_BOOT),
        CAPN(CAP_SYS_NICE),
        CAPN(CAP_SYS_RESOURCE),
        CAPN(CAP_SYS_TIME),
        CAPN(CAP_SYS_TTY_CONFIG),
        CAPN(CAP_MKNOD),
        CAPN(CAP_LEASE),
        CAPN(CAP_AUDIT_WRITE),
        CAPN(CAP_AUDIT_CONTROL),
        CAPN(CAP_SETFCAP),
        CAPN(CAP_MAC_OVERRIDE),
        CAPN(CAP_MAC_ADMIN),
        CAPN(CAP_SYSLOG),
        CAPN(CAP_WAKE_ALARM),
        CAPN(CAP_BLOCK_SUSPEND),
        CAPN(CAP_AUDIT_READ),
        [38] = "CAP_PERFMON",
        [39] = "CAP_BPF",
        [40] = "CAP_CHECKPOINT_RESTORE",
};

const char *nsb_oci_cap_name(int cap)
{
	if (cap < 0 || cap > NSB_OCI_CAP_MAX)
		return NULL;
	return cap_names[cap];
}

static const char *const cap_set_names[NSB_OCI_CAP_N_SETS] = {
        [NSB_OCI_CAP_BOUNDING] = "bounding",       [NSB_OCI_CAP_EFFECTIVE] = "effective",
        [NSB_OCI_CAP_INHERITABLE] = "inheritable", [NSB_OCI_CAP_PERMITTED] = "permitted",
        [NSB_OCI_CAP_AMBIENT] = "ambient",
};

static int caps_parse(const struct nsb_jcur *c, struct nsb_oci_process *p)
{
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	p->has_caps = true;
	for (int set = 0; set < NSB_OCI_CAP_N_SETS; set++) {
		struct nsb_jcur a;
		size_t n;

		if (!nsb_j_member(c, cap_set_names[set], &a))
			continue;
		r = nsb_j_array(&a, 1024, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			struct nsb_jcur e;
			const char *s;
			int cap;

			nsb_j_element(&a, i, &e);
			r = nsb_j_string(&e, &s);
			if (r < 0)
				return r;
			cap = nsb_sp_lookup(cap_names, NSB_ELEMENTSOF(cap_names), s);
			if (cap < 0)
				return nsb_j_err(&e, "unknown capability");
			p->caps[set] |= UINT64_C(1) << cap;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
        {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
        {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int rlimits_parse(const struct nsb_jcur *c, struct nsb_oci_process *p)
{
	size_t n;
	int r;

	r = nsb_j_array(c, 64, &n);
	if (r < 0)
		return r;
	r = nsb_sp_alloc_n(c, n, sizeof(*p->rlimits), &p->rlimits);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_rlimit *l = &p->rlimits[i];
		struct nsb_jcur e, t, soft, hard;
		const char *name;
		size_t k;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "type", &t);
		if (r >= 0)
			r = nsb_j_string(&t, &name);
		if (r < 0)
			return r;
		for (k = 0; k < NSB_ELEMENTSOF(rlimit_names); k++)
			if (strcmp(rlimit_names[k].name, name) == 0)
				break;
		if (k == NSB_ELEMENTSOF(rlimit_names))
			return nsb_j_err(&t, "unknown resource limit");
		l->resource = rlimit_names[k].resource;
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].resource == l->resource)
				return nsb_j_err(&t, "resource limit given twice");
		r = nsb_sp_need(&e, "soft", &soft);
		if (r >= 0)
			r = nsb_j_uint(&soft, UINT64_MAX, &l->soft);
		if (r >= 0)
			r = nsb_sp_need(&e, "hard", &hard);
		if (r >= 0)
			r = nsb_j_uint(&hard, UINT64_MAX, &l->hard);
		if (r < 0)
			return r;
		if (l->soft > l->hard)
			return nsb_j_err(&soft,
			                 "the soft limit is above the hard limit (%" PRIu64 ")",
			                 l->hard);
		p->n_rlimits++;
	}
	return 0;
}

static int env_check(const struct nsb_jcur *c, const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		return nsb_j_err(c, "must be KEY=VALUE");
	return 0;
}

static int user_parse(const struct nsb_jcur *c, struct nsb_oci_process *p)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "uid", &v)) {
		uint64_t x;

		r = nsb_j_uint(&v, UINT32_MAX - 1, &x);
		if (r < 0)
			return r;
		p->uid = (uint32_t)x;
	}
	if (nsb_j_member(c, "gid", &v)) {
		uint64_t x;

		r = nsb_j_uint(&v, UINT32_MAX - 1, &x);
		if (r < 0)
			return r;
		p->gid = (uint32_t)x;
	}
	if (nsb_j_member(c, "umask", &v)) {
		uint64_t x;

		r = nsb_j_uint(&v, 0777, &x);
		if (r < 0)
			return r;
		p->has_umask = true;
		p->umask = (mode_t)x;
	}
	if (nsb_j_member(c, "additionalGids", &v)) {
		size_t n;

		r = nsb_j_array(&v, NSB_OCI_MAX_ITEMS, &n);
		if (r < 0)
			return r;
		r = nsb_sp_alloc_n(&v, n, sizeof(uint32_t), &p->additional_gids);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			struct nsb_jcur e;
			uint64_t x;

			nsb_j_element(&v, i, &e);
			r = nsb_j_uint(&e, UINT32_MAX - 1, &x);
			if (r < 0)
				return r;
			p->additional_gids[p->n_additional_gids++] = (uint32_t)x;
		}
	}
	return 0;
}

static const char *const ioprio_names[] = {NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                           "IOPRIO_CLASS_IDLE"};

static const char *const sched_policy_names[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE",
};

static const char *const sched_flag_names[] = {
        "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
        "SCHED_FLAG_KEEP_POLICY",    "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX",
};

static int scheduler_parse(const struct nsb_jcur *c, struct nsb_oci_process *p)
{
	struct nsb_jcur v;
	struct nsb_oci_i64 nice = {0}, prio = {0};
	struct nsb_oci_u64 x = {0};
	int policy, r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	r = nsb_sp_need(c, "policy", &v);
	if (r >= 0)
		r = nsb_sp_enum_parse(&v, sched_policy_names, NSB_ELEMENTSOF(sched_policy_names),
		                      "scheduling policy", &policy);
	if (r < 0)
		return r;
	if (policy == SCHED_ISO_VALUE)
		return nsb_j_err(&v, "not supported by Linux");
	p->sched_policy = policy; /* the names are in SCHED_* order */
	r = nsb_sp_opt_i64(c, "nice", -20, 19, &nice);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "priority", 0, 99, &prio);
	if (r < 0)
		return r;
	p->sched_nice = (int)nice.v;
	p->sched_priority = (int)prio.v;
	if (prio.v > 0 && policy != SCHED_FIFO && policy != SCHED_RR) {
		nsb_j_member(c, "priority", &v);
		return nsb_j_err(&v, "only SCHED_FIFO and SCHED_RR take a priority");
	}
	if ((policy == SCHED_FIFO || policy == SCHED_RR) && prio.v == 0)
		return nsb_j_errp(c, "SCHED_FIFO and SCHED_RR need a priority from 1 to 99");
	if (nsb_j_member(c, "flags", &v)) {
		size_t n;

		r = nsb_j_array(&v, 16, &n);
		for (size_t i = 0; r >= 0 && i < n; i++) {
			struct nsb_jcur e;
			int f;

			nsb_j_element(&v, i, &e);
			r = nsb_sp_enum_parse(&e, sched_flag_names,
			                      NSB_ELEMENTSOF(sched_flag_names), "scheduler flag",
			                      &f);
			if (r >= 0)
				p->sched_flags |= UINT64_C(1) << f;
		}
		if (r < 0)
			return r;
	}
	r = nsb_sp_opt_u64(c, "runtime", UINT64_MAX, &x);
	p->sched_runtime = x.v;
	x = (struct nsb_oci_u64){0};
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "deadline", UINT64_MAX, &x);
	p->sched_deadline = x.v;
	x = (struct nsb_oci_u64){0};
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "period", UINT64_MAX, &x);
	p->sched_period = x.v;
	if (r < 0)
		return r;
	if (policy == SCHED_DEADLINE && p->sched_runtime == 0)
		return nsb_j_errp(c, "SCHED_DEADLINE needs a runtime");
	p->has_scheduler = true;
	return 0;
}

static int process_fields(const struct nsb_jcur *c, struct nsb_oci_process *p)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	r = nsb_sp_opt_bool(c, "terminal", NULL, &p->terminal);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "consoleSize", &v)) {
		struct nsb_jcur h, w;
		uint64_t hv, wv;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = nsb_sp_need(&v, "height", &h);
		if (r >= 0)
			r = nsb_j_uint(&h, 65535, &hv);
		if (r >= 0)
			r = nsb_sp_need(&v, "width", &w);
		if (r >= 0)
			r = nsb_j_uint(&w, 65535, &wv);
		if (r < 0)
			return r;
		p->has_console_size = true;
		p->console_height = (unsigned short)hv;
		p->console_width = (unsigned short)wv;
	}
	if (nsb_j_member(c, "user", &v)) {
		r = user_parse(&v, p);
		if (r < 0)
			return r;
	}
	r = nsb_sp_need(c, "args", &v);
	if (r >= 0)
		r = nsb_sp_strv_parse(&v, NULL, &p->args);
	if (r < 0)
		return r;
	if (p->args.n == 0)
		return nsb_j_errp(&v, "must not be empty");
	if (!p->args.v[0][0]) {
		struct nsb_jcur e;

		nsb_j_element(&v, 0, &e);
		return nsb_j_err(&e, "the program name must not be empty");
	}
	r = nsb_sp_opt_strv(c, "env", env_check, &p->env);
	if (r < 0)
		return r;
	r = nsb_sp_need(c, "cwd", &v);
	if (r >= 0)
		r = nsb_sp_abs_path(&v, &p->cwd);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "capabilities", &v)) {
		r = caps_parse(&v, p);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "rlimits", &v)) {
		r = rlimits_parse(&v, p);
		if (r < 0)
			return r;
	}
	r = nsb_sp_opt_bool(c, "noNewPrivileges", NULL, &p->no_new_privileges);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "oomScoreAdj", &v)) {
		int64_t x;

		r = nsb_j_int(&v, -1000, 1000, &x);
		if (r < 0)
			return r;
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)x;
	}
	r = nsb_sp_opt_str(c, "selinuxLabel", &p->selinux_label);
	if (r >= 0)
		r = nsb_sp_opt_str(c, "apparmorProfile", &p->apparmor_profile);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "ioPriority", &v)) {
		struct nsb_jcur cl;
		struct nsb_oci_i64 prio = {0};
		int cls;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = nsb_sp_need(&v, "class", &cl);
		if (r >= 0)
			r = nsb_sp_enum_parse(&cl, ioprio_names, NSB_ELEMENTSOF(ioprio_names),
			                      "I/O priority class", &cls);
		if (r >= 0)
			r = nsb_sp_opt_i64(&v, "priority", 0, 7, &prio);
		if (r < 0)
			return r;
		p->has_io_priority = true;
		p->io_class = (enum nsb_oci_ioprio_class)cls;
		p->io_priority = (int)prio.v;
	}
	if (nsb_j_member(c, "scheduler", &v)) {
		r = scheduler_parse(&v, p);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "execCPUAffinity", &v))
		return nsb_j_errp(&v, "not supported");
	return 0;
}

void nsb_oci_process_free(struct nsb_oci_process *p)
{
	free(p->additional_gids);
	nsb_sp_strv_free(&p->args);
	nsb_sp_strv_free(&p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->selinux_label);
	free(p->apparmor_profile);
	*p = (struct nsb_oci_process){0};
}

/* --- hooks ------------------------------------------------------------------------- */

static const char *const hook_names[NSB_OCI_HOOK_N_KINDS] = {
        [NSB_OCI_HOOK_PRESTART] = "prestart",
        [NSB_OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
        [NSB_OCI_HOOK_CREATE_CONTAINER] = "createContainer",
        [NSB_OCI_HOOK_START_CONTAINER] = "startContainer",
        [NSB_OCI_HOOK_POSTSTART] = "poststart",
        [NSB_OCI_HOOK_POSTSTOP] = "poststop",
};

const char *nsb_oci_hook_name(enum nsb_oci_hook_kind kind)
{
	return (unsigned)kind < NSB_OCI_HOOK_N_KINDS ? hook_names[kind] : NULL;
}

static int hook_parse(const struct nsb_jcur *c, struct nsb_oci_hook *h)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_need(c, "path", &v);
	if (r >= 0)
		r = nsb_sp_abs_path(&v, &h->path);
	if (r >= 0)
		r = nsb_sp_opt_strv(c, "args", NULL, &h->args);
	if (r >= 0 && nsb_j_member(c, "env", &v)) {
		h->has_env = true;
		r = nsb_sp_strv_parse(&v, env_check, &h->env);
	}
	if (r < 0)
		return r;
	if (nsb_j_member(c, "timeout", &v)) {
		int64_t t;

		r = nsb_j_int(&v, 1, INT_MAX, &t);
		if (r < 0)
			return r;
		h->timeout = (unsigned)t;
	}
	return 0;
}

static int hooks_parse(const struct nsb_jcur *root, struct nsb_oci_spec *s)
{
	struct nsb_jcur c;
	int r;

	if (!nsb_j_member(root, "hooks", &c))
		return 0;
	r = nsb_j_object(&c);
	if (r < 0)
		return r;
	for (int k = 0; k < NSB_OCI_HOOK_N_KINDS; k++) {
		struct nsb_oci_hooks *hs = &s->hooks[k];
		struct nsb_jcur a;
		size_t n;

		if (!nsb_j_member(&c, hook_names[k], &a))
			continue;
		r = nsb_j_array(&a, 1024, &n);
		if (r >= 0)
			r = nsb_sp_alloc_n(&a, n, sizeof(*hs->v), &hs->v);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			struct nsb_jcur e;

			nsb_j_element(&a, i, &e);
			hs->n++;
			r = hook_parse(&e, &hs->v[i]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* --- the rules between fields -------------------------------------------------------- */

static bool new_ns(const struct nsb_oci_linux *l, enum nsb_oci_ns ns)
{
	return l->ns[ns].present && !l->ns[ns].path;
}

static int cross_checks(const struct nsb_jcur *root, const struct nsb_oci_spec *s)
{
	const struct nsb_oci_linux *l = &s->linux_;
	struct nsb_jcur lc = {0}, v;
	bool has_linux = nsb_j_member(root, "linux", &lc);

	if (s->hostname && !l->ns[NSB_OCI_NS_UTS].present) {
		nsb_j_member(root, "hostname", &v);
		return nsb_j_errp(&v, "needs a uts namespace in linux.namespaces");
	}
	if (s->domainname && !l->ns[NSB_OCI_NS_UTS].present) {
		nsb_j_member(root, "domainname", &v);
		return nsb_j_errp(&v, "needs a uts namespace in linux.namespaces");
	}
	if (!has_linux)
		return 0;
	if ((l->uid_mappings.n || l->gid_mappings.n) && !new_ns(l, NSB_OCI_NS_USER)) {
		nsb_j_member(&lc, l->uid_mappings.n ? "uidMappings" : "gidMappings", &v);
		return nsb_j_errp(&v, "needs a new user namespace in linux.namespaces");
	}
	if (new_ns(l, NSB_OCI_NS_USER) && (!l->uid_mappings.n || !l->gid_mappings.n))
		return nsb_j_errp(&lc, "a new user namespace needs uidMappings and gidMappings");
	if ((l->has_time_offsets[0] || l->has_time_offsets[1]) && !new_ns(l, NSB_OCI_NS_TIME)) {
		nsb_j_member(&lc, "timeOffsets", &v);
		return nsb_j_errp(&v, "needs a new time namespace in linux.namespaces");
	}
	if (l->rootfs_propagation && !l->ns[NSB_OCI_NS_MOUNT].present) {
		nsb_j_member(&lc, "rootfsPropagation", &v);
		return nsb_j_errp(&v, "needs a mount namespace in linux.namespaces");
	}
	return 0;
}

/* --- the document ---------------------------------------------------------------------- */

static int version_check(const struct nsb_jcur *c, const char *v)
{
	const char *p = v;

	/* SemVer: MAJOR.MINOR.PATCH[-pre][+build]; nsbox-oci reads 1.x. */
	for (int part = 0; part < 3; part++) {
		if (*p < '0' || *p > '9')
			return nsb_j_err(c, "not a version MAJOR.MINOR.PATCH");
		while (*p >= '0' && *p <= '9')
			p++;
		if (part < 2 && *p++ != '.')
			return nsb_j_err(c, "not a version MAJOR.MINOR.PATCH");
	}
	if (*p && *p != '-' && *p != '+')
		return nsb_j_err(c, "not a version MAJOR.MINOR.PATCH");
	if (v[0] != '1' || v[1] != '.')
		return nsb_j_err(c, "unsupported version (nsbox-oci reads 1.x)");
	return 0;
}

static int spec_fields(const struct nsb_jcur *root, struct nsb_oci_spec *s)
{
	struct nsb_jcur v;
	int r;

	r = nsb_sp_need(root, "ociVersion", &v);
	if (r >= 0)
		r = nsb_j_strdup(&v, &s->oci_version);
	if (r >= 0)
		r = version_check(&v, s->oci_version);
	if (r < 0)
		return r;
	r = nsb_sp_need(root, "root", &v);
	if (r >= 0)
		r = nsb_j_object(&v);
	if (r < 0)
		return r;
	{
		struct nsb_jcur p;

		r = nsb_sp_need(&v, "path", &p);
		if (r >= 0)
			r = nsb_j_strdup(&p, &s->root_path);
		if (r >= 0 && !s->root_path[0])
			r = nsb_j_err(&p, "must not be empty");
		if (r >= 0)
			r = nsb_sp_opt_bool(&v, "readonly", NULL, &s->root_readonly);
		if (r < 0)
			return r;
	}
	r = mounts_parse(root, s);
	if (r < 0)
		return r;
	if (nsb_j_member(root, "process", &v)) {
		s->has_process = true;
		r = process_fields(&v, &s->process);
		if (r < 0)
			return r;
	}
	r = nsb_sp_opt_str(root, "hostname", &s->hostname);
	if (r >= 0)
		r = nsb_sp_opt_str(root, "domainname", &s->domainname);
	if (r < 0)
		return r;
	if (s->hostname && strlen(s->hostname) > 64) {
		nsb_j_member(root, "hostname", &v);
		return nsb_j_err(&v, "longer than 64 bytes");
	}
	if (s->domainname && strlen(s->domainname) > 64) {
		nsb_j_member(root, "domainname", &v);
		return nsb_j_err(&v, "longer than 64 bytes");
	}
	if (nsb_j_member(root, "annotations", &v)) {
		r = nsb_sp_map_parse(&v, NULL, NULL, &s->annotations);
		if (r < 0)
			return r;
	}
	r = hooks_parse(root, s);
	if (r < 0)
		return r;
	if (nsb_j_member(root, "linux", &v)) {
		r = nsb_sp_linux_parse(&v, &s->linux_);
		if (r < 0)
			return r;
	}
	return cross_checks(root, s);
}

int nsb_oci_spec_parse(const char *file, const char *text, size_t len, struct nsb_oci_spec *ret)
{
	_cleanup_(nsb_json_doc_freep) struct nsb_json_doc *doc = NULL;
	struct nsb_jcur root;
	int r;

	*ret = (struct nsb_oci_spec){0};
	r = nsb_json_parse(file, text, len, &doc, &root);
	if (r < 0)
		return r;
	r = spec_fields(&root, ret);
	if (r < 0)
		nsb_oci_spec_free(ret);
	return r;
}

int nsb_oci_process_parse(const char *file, const char *text, size_t len,
                          struct nsb_oci_process *ret)
{
	_cleanup_(nsb_json_doc_freep) struct nsb_json_doc *doc = NULL;
	struct nsb_jcur root;
	int r;

	*ret = (struct nsb_oci_process){0};
	r = nsb_json_parse(file, text, len, &doc, &root);
	if (r < 0)
		return r;
	r = process_fields(&root, ret);
	if (r < 0)
		nsb_oci_process_free(ret);
	return r;
}

int nsb_oci_spec_load(const char *bundle, struct nsb_oci_spec *ret)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	*ret = (struct nsb_oci_spec){0};
	dfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nsb_log_errno(errno, "bundle '%s'", bundle);
	r = nsb_json_read_file(dfd, "config.json", NSB_JSON_MAX_SIZE, &text, &len);
	if (r == -E2BIG)
		return nsb_log_errno(r, "config.json in '%s': larger than %d bytes", bundle,
		                     NSB_JSON_MAX_SIZE);
	if (r == -EINVAL)
		return nsb_log_errno(r, "config.json in '%s': not a regular file", bundle);
	if (r < 0)
		return nsb_log_errno(r, "cannot read config.json in '%s'", bundle);
	return nsb_oci_spec_parse("config.json", text, len, ret);
}

void nsb_oci_spec_free(struct nsb_oci_spec *s)
{
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct nsb_oci_mount *m = &s->mounts[i];

		free(m->destination);
		free(m->source);
		free(m->fstype);
		free(m->data);
		free(m->uid_mappings.v);
		free(m->gid_mappings.v);
	}
	free(s->mounts);
	nsb_oci_process_free(&s->process);
	free(s->hostname);
	free(s->domainname);
	nsb_sp_map_free(&s->annotations);
	for (int k = 0; k < NSB_OCI_HOOK_N_KINDS; k++) {
		for (size_t i = 0; i < s->hooks[k].n; i++) {
			free(s->hooks[k].v[i].path);
			nsb_sp_strv_free(&s->hooks[k].v[i].args);
			nsb_sp_strv_free(&s->hooks[k].v[i].env);
		}
		free(s->hooks[k].v);
	}
	nsb_sp_linux_free(&s->linux_);
	*s = (struct nsb_oci_spec){0};
}

int nsb_oci_check_labels(const char *apparmor_what, const char *apparmor, const char *selinux_what,
                         const char *selinux)
{
	if (apparmor && apparmor[0] && access("/sys/kernel/security/apparmor", F_OK) < 0) {
		nsb_err("%s: AppArmor is not enabled on this host ('%s')", apparmor_what, apparmor);
		return -EOPNOTSUPP;
	}
	if (selinux && selinux[0])
		return nsb_selinux_check_label(selinux_what, selinux);
	return 0;
}

int nsb_oci_process_check_host(const struct nsb_oci_process *p, const char *what)
{
	_cleanup_free_ char *apparmor = NULL, *selinux = NULL;

	if (asprintf(&apparmor, "%sapparmorProfile", what) < 0 ||
	    asprintf(&selinux, "%sselinuxLabel", what) < 0)
		return nsb_log_errno(ENOMEM, "%s", what);
	return nsb_oci_check_labels(apparmor, p->apparmor_profile, selinux, p->selinux_label);
}

int nsb_oci_spec_check_host(const struct nsb_oci_spec *s)
{
	int r = nsb_oci_process_check_host(&s->process, "config.json: process.");

	if (r < 0)
		return r;
	if (s->linux_.mount_label && s->linux_.mount_label[0])
		return nsb_selinux_check_label("config.json: linux.mountLabel",
		                               s->linux_.mount_label);
	return 0;
}
