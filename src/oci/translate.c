/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "log.h"
#include "path.h"
#include "oci/translate.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The caps on what one config.json may turn into. */
#define MAX_OPS (4 * NSB_OCI_MAX_ITEMS)

static const unsigned long ns_flags[NSB_OCI_NS_N] = {
        [NSB_OCI_NS_MOUNT] = CLONE_NEWNS,      [NSB_OCI_NS_PID] = CLONE_NEWPID,
        [NSB_OCI_NS_NETWORK] = CLONE_NEWNET,   [NSB_OCI_NS_UTS] = CLONE_NEWUTS,
        [NSB_OCI_NS_IPC] = CLONE_NEWIPC,       [NSB_OCI_NS_USER] = CLONE_NEWUSER,
        [NSB_OCI_NS_CGROUP] = CLONE_NEWCGROUP, [NSB_OCI_NS_TIME] = CLONE_NEWTIME,
};

unsigned long nsb_oci_ns_flag(enum nsb_oci_ns ns)
{
	return (unsigned)ns < NSB_OCI_NS_N ? ns_flags[ns] : 0;
}

/* --- building the plan ---------------------------------------------------------------- */

struct tr {
	struct nsb_oci_plan *p;
	const struct nsb_oci_spec *spec;
	const char *bundle;
	const struct nsb_oci_host *host;
	size_t cap_ops;
};

/* Keep a malloc'ed buffer until the plan goes (NULL: out of memory). */
static void *own(struct tr *t, void *ptr)
{
	struct nsb_config *cfg = &t->p->cfg;
	char **n;

	if (!ptr)
		return NULL;
	n = realloc(cfg->owned, (cfg->n_owned + 1) * sizeof(char *));
	if (!n) {
		free(ptr);
		return NULL;
	}
	cfg->owned = n;
	cfg->owned[cfg->n_owned++] = ptr;
	return ptr;
}

static char *ownf(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *ownf(struct tr *t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : own(t, s);
}

static int oom(void)
{
	return nsb_log_errno(ENOMEM, "config.json: cannot translate it");
}

/* A new op of kind for dest, named opt (owned); NULL on ENOMEM, logged. */
static struct nsb_op *add_op(struct tr *t, enum nsb_op_kind kind, const char *opt, const char *dest)
{
	struct nsb_config *cfg = &t->p->cfg;
	struct nsb_op *op;

	if (!opt || !dest) {
		oom();
		return NULL;
	}
	if (cfg->n_ops == t->cap_ops) {
		size_t cap = t->cap_ops ? 2 * t->cap_ops : 32;
		struct nsb_op *n;

		if (cap > MAX_OPS) {
			nsb_err("config.json: more than %d mounts, devices and paths", MAX_OPS);
			return NULL;
		}
		n = realloc(cfg->ops, cap * sizeof(*n));
		if (!n) {
			oom();
			return NULL;
		}
		cfg->ops = n;
		t->cap_ops = cap;
	}
	op = &cfg->ops[cfg->n_ops++];
	*op = (struct nsb_op){
	        .kind = kind,
	        .opt = opt,
	        .argpos = NSB_ARGPOS_OCI,
	        .dest = dest,
	        .fd = -1,
	        .perms = -1,
	};
	return op;
}

static struct nsb_mount_spec *new_mnt(struct tr *t)
{
	return own(t, calloc(1, sizeof(struct nsb_mount_spec)));
}

/* --- mounts ------------------------------------------------------------------------------ */

static const struct {
	unsigned long ms;
	unsigned attr;
} ms_attrs[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
        {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
        {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
};

/* Superblock flags: options of a new filesystem, meaningless on a bind. */
static const struct {
	unsigned long ms;
	const char *word;
} sb_flags[] = {
        {MS_SYNCHRONOUS, "sync"},  {MS_DIRSYNC, "dirsync"},    {MS_MANDLOCK, "mand"},
        {MS_LAZYTIME, "lazytime"}, {MS_I_VERSION, "iversion"},
};

/* The flags of a mounts[] entry as mount attributes. */
static void mount_attrs(const struct nsb_oci_mount *m, struct nsb_mount_spec *ms)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(ms_attrs); i++) {
		if (m->ms_set & ms_attrs[i].ms)
			ms->attr_set |= ms_attrs[i].attr;
		if (m->ms_clear & ms_attrs[i].ms)
			ms->attr_clear |= ms_attrs[i].attr;
	}
	ms->rattr_set = (unsigned)m->attr_set;
	ms->rattr_clear = (unsigned)m->attr_clear;
	if (m->attr_set_atime) {
		ms->set_atime = true;
		ms->atime = (unsigned)m->attr_atime;
	} else if (m->ms_set & MS_STRICTATIME) {
		ms->set_atime = true;
		ms->atime = MOUNT_ATTR_STRICTATIME;
	} else if (m->ms_set & MS_NOATIME) {
		ms->set_atime = true;
		ms->atime = MOUNT_ATTR_NOATIME;
	} else if (m->ms_set & MS_RELATIME) {
		ms->set_atime = true;
		ms->atime = MOUNT_ATTR_RELATIME;
	}
	ms->propagation = m->propagation;
}

/* A relative bind source is relative to the bundle. */
static const char *bundle_path(struct tr *t, const char *path)
{
	if (path[0] == '/')
		return path;
	return ownf(t, "%s/%s", t->bundle, path);
}

static int add_bind(struct tr *t, size_t i, const struct nsb_oci_mount *m)
{
	struct nsb_mount_spec *ms;
	struct nsb_op *op;

	if (m->idmap || m->ridmap) {
		nsb_err("config.json: mounts[%zu]: idmapped mounts are not supported", i);
		return -EOPNOTSUPP;
	}
	if (m->ms_set & MS_REMOUNT) {
		nsb_err("config.json: mounts[%zu]: option 'remount' is not supported", i);
		return -EOPNOTSUPP;
	}
	for (size_t k = 0; k < NSB_ELEMENTSOF(sb_flags); k++) {
		if (m->ms_set & sb_flags[k].ms) {
			nsb_err("config.json: mounts[%zu]: option '%s' is not supported on a bind "
			        "mount (it is a filesystem's option)",
			        i, sb_flags[k].word);
			return -EOPNOTSUPP;
		}
	}
	ms = new_mnt(t);
	op = ms ? add_op(t, NSB_OP_MOUNT_BIND, ownf(t, "config.json: mounts[%zu]", i),
	                 m->destination)
	        : NULL;
	if (!op)
		return ms ? -EINVAL : oom();
	op->src = bundle_path(t, m->source);
	if (!op->src)
		return oom();
	mount_attrs(m, ms);
	ms->recursive = m->recursive;
	op->mnt = ms;
	return 0;
}

/* data plus the superblock flags the options set, as fsconfig takes them. */
static int fs_data(struct tr *t, const struct nsb_oci_mount *m, size_t i, const char **ret)
{
	char *data = m->data ? strdup(m->data) : NULL;

	if (m->data && !data)
		return oom();
	if (m->ms_set & MS_REMOUNT) {
		free(data);
		nsb_err("config.json: mounts[%zu]: option 'remount' is not supported", i);
		return -EOPNOTSUPP;
	}
	for (size_t k = 0; k < NSB_ELEMENTSOF(sb_flags); k++) {
		char *n;

		if (!(m->ms_set & sb_flags[k].ms))
			continue;
		if (asprintf(&n, "%s%s%s", data ? data : "", data ? "," : "", sb_flags[k].word) <
		    0) {
			free(data);
			return oom();
		}
		free(data);
		data = n;
	}
	*ret = own(t, data);
	return data && !*ret ? oom() : 0;
}

/* The container's cgroup (or, without one, ours) in a hierarchy. */
static const char *cgroup_dir(struct tr *t, const struct nsb_cg_hier *h)
{
	const char *path = t->host->cgroup_path ? t->host->cgroup_path : h->self;

	if (!path || strcmp(path, "/") == 0)
		return h->mount;
	return ownf(t, "%s%s", h->mount, path);
}

static int add_fs(struct tr *t, size_t i, const struct nsb_oci_mount *m, const char *fstype)
{
	struct nsb_mount_spec *ms = new_mnt(t);
	struct nsb_op *op;
	int r;

	if (!ms)
		return oom();
	op = add_op(t, NSB_OP_MOUNT_FS, ownf(t, "config.json: mounts[%zu]", i), m->destination);
	if (!op)
		return -EINVAL;
	mount_attrs(m, ms);
	ms->fstype = fstype;
	ms->tmpcopyup = m->tmpcopyup;
	r = fs_data(t, m, i, &ms->data);
	if (r < 0)
		return r;
	switch (m->type) {
	case NSB_OCI_MNT_SYSFS:
		ms->fallback = "/sys";
		break;
	case NSB_OCI_MNT_MQUEUE:
		ms->fallback = "/dev/mqueue";
		break;
	case NSB_OCI_MNT_CGROUP:
	case NSB_OCI_MNT_CGROUP2:
		if (t->host->cg && t->host->cg->v2.mount) {
			ms->fallback = cgroup_dir(t, &t->host->cg->v2);
			if (!ms->fallback)
				return oom();
		}
		break;
	default:
		break;
	}
	op->mnt = ms;
	return 0;
}

/* "/sys/fs/cgroup/cpu,cpuacct" -> "cpu,cpuacct" */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A bind of dir at dest/name with the entry's flags, skipped if dir is
 * missing (a hierarchy the container's cgroup was not made in). */
static int add_cgroup_bind(struct tr *t, size_t i, const struct nsb_oci_mount *m, const char *dir,
                           const char *name)
{
	struct nsb_mount_spec *ms = new_mnt(t);
	struct nsb_op *op;

	if (!ms || !dir)
		return oom();
	op = add_op(t, NSB_OP_MOUNT_BIND, ownf(t, "config.json: mounts[%zu]", i),
	            ownf(t, "%s/%s", m->destination, name));
	if (!op)
		return -EINVAL;
	op->src = dir;
	op->flags = NSB_OPF_ALLOW_MISSING;
	mount_attrs(m, ms);
	op->mnt = ms;
	return 0;
}

/* A v1 "cgroup" mount on a legacy or hybrid host, as runc makes it. */
static int add_cgroup_v1(struct tr *t, size_t i, const struct nsb_oci_mount *m)
{
	const struct nsb_cg_layout *l = t->host->cg;
	struct nsb_mount_spec *ms = new_mnt(t);
	struct nsb_op *op;
	int r;

	if (!ms)
		return oom();
	op = add_op(t, NSB_OP_MOUNT_FS, ownf(t, "config.json: mounts[%zu]", i), m->destination);
	if (!op)
		return -EINVAL;
	/* The tmpfs holding the hierarchies stays writable, as runc's. */
	mount_attrs(m, ms);
	ms->attr_set &= ~(unsigned)MOUNT_ATTR_RDONLY;
	ms->rattr_set &= ~(unsigned)MOUNT_ATTR_RDONLY;
	ms->fstype = "tmpfs";
	ms->data = "mode=755";
	op->mnt = ms;
	for (size_t k = 0; k < l->n_v1; k++) {
		const char *name = base_name(l->v1[k].mount);

		r = add_cgroup_bind(t, i, m, cgroup_dir(t, &l->v1[k]), name);
		if (r < 0)
			return r;
		/* Co-mounted controllers: one link per name. */
		if (strchr(name, ',')) {
			_cleanup_free_ char *copy = strdup(name);
			char *save = NULL;

			if (!copy)
				return oom();
			for (char *c = strtok_r(copy, ",", &save); c;
			     c = strtok_r(NULL, ",", &save)) {
				op = add_op(t, NSB_OP_SYMLINK,
				            ownf(t, "config.json: mounts[%zu]", i),
				            ownf(t, "%s/%s", m->destination, c));
				if (!op)
					return -EINVAL;
				op->src = name;
			}
		}
	}
	if (l->mode == NSB_CG_HYBRID && l->v2.mount)
		return add_cgroup_bind(t, i, m, cgroup_dir(t, &l->v2), "unified");
	return 0;
}

static bool is_path(const char *a, const char *b)
{
	while (*a == '/' && a[1] == '/')
		a++;
	return strcmp(a, b) == 0;
}

static int add_mounts(struct tr *t)
{
	const struct nsb_oci_spec *s = t->spec;
	const struct nsb_cg_layout *l = t->host->cg;

	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct nsb_oci_mount *m = &s->mounts[i];
		int r;

		switch (m->type) {
		case NSB_OCI_MNT_BIND:
			r = add_bind(t, i, m);
			break;
		case NSB_OCI_MNT_CGROUP:
			if (l && (l->mode == NSB_CG_LEGACY || l->mode == NSB_CG_HYBRID))
				r = add_cgroup_v1(t, i, m);
			else
				r = add_fs(t, i, m, "cgroup2");
			break;
		default:
			r = add_fs(t, i, m, m->fstype);
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- devices ------------------------------------------------------------------------------ */

static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
        {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const char *const dev_links[][2] = {
        {"/proc/self/fd", "/dev/fd"},       {"/proc/self/fd/0", "/dev/stdin"},
        {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
        {"pts/ptmx", "/dev/ptmx"},
};

/* The last mounts[] entry on /dev, or NULL. */
static const struct nsb_oci_mount *dev_mount(const struct nsb_oci_spec *s)
{
	const struct nsb_oci_mount *found = NULL;

	for (size_t i = 0; i < s->n_mounts; i++)
		if (is_path(s->mounts[i].destination, "/dev"))
			found = &s->mounts[i];
	return found;
}

static bool in_config(const struct nsb_oci_spec *s, const char *path)
{
	for (size_t i = 0; i < s->linux_.n_devices; i++)
		if (is_path(s->linux_.devices[i].path, path))
			return true;
	return false;
}

static int add_device(struct tr *t, const char *opt, const char *path, char type, unsigned major,
                      unsigned minor, mode_t mode, uid_t uid, gid_t gid)
{
	struct nsb_dev_spec *d = own(t, calloc(1, sizeof(*d)));
	struct nsb_op *op;

	if (!d)
		return oom();
	op = add_op(t, NSB_OP_DEVICE, opt, path);
	if (!op)
		return -EINVAL;
	*d = (struct nsb_dev_spec){
	        .type = type,
	        .major = major,
	        .minor = minor,
	        .mode = mode,
	        .uid = uid,
	        .gid = gid,
	        .host_path = path,
	};
	op->dev = d;
	return 0;
}

static int add_devices(struct tr *t)
{
	const struct nsb_oci_spec *s = t->spec;
	const struct nsb_oci_mount *dev = dev_mount(s);
	int r;

	/* A /dev bound from the host has its own nodes (runc's rule). */
	if (dev && dev->type == NSB_OCI_MNT_BIND)
		return 0;
	for (size_t i = 0; i < NSB_ELEMENTSOF(default_devices); i++) {
		if (in_config(s, default_devices[i].path))
			continue;
		r = add_device(t, "config.json: linux.devices (a default device)",
		               default_devices[i].path, 'c', default_devices[i].major,
		               default_devices[i].minor, 0666, 0, 0);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->linux_.n_devices; i++) {
		const struct nsb_oci_device *d = &s->linux_.devices[i];

		r = add_device(t, ownf(t, "config.json: linux.devices[%zu]", i), d->path, d->type,
		               (unsigned)(d->major < 0 ? 0 : d->major),
		               (unsigned)(d->minor < 0 ? 0 : d->minor),
		               d->has_file_mode ? d->file_mode : 0666, d->has_uid ? d->uid : 0,
		               d->has_gid ? d->gid : 0);
		if (r < 0)
			return r;
	}
	if (!dev)
		return 0;
	for (size_t i = 0; i < NSB_ELEMENTSOF(dev_links); i++) {
		struct nsb_op *op = add_op(t, NSB_OP_SYMLINK,
		                           "config.json: mounts (a link in /dev)", dev_links[i][1]);

		if (!op)
			return -EINVAL;
		op->src = dev_links[i][0];
	}
	return 0;
}

/* runc's default device rules, after the config's. */
static const struct nsb_oci_dev_rule default_rules[] = {
        {true, 'c', -1, -1, NSB_OCI_DEV_MKNOD},
        {true, 'b', -1, -1, NSB_OCI_DEV_MKNOD},
        {true, 'c', 1, 3, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 1, 5, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 1, 7, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 1, 8, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 1, 9, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 5, 0, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 5, 1, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 5, 2, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 136, -1, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
        {true, 'c', 10, 200, NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD},
};

int nsb_oci_resources_plan(const struct nsb_oci_resources *res, struct nsb_oci_resources *ret,
                           struct nsb_oci_dev_rule **ret_rules)
{
	size_t n = res->n_devices;
	struct nsb_oci_dev_rule *rules;

	*ret = *res;
	*ret_rules = NULL;
	if (!n)
		return 0;
	rules = calloc(n + NSB_ELEMENTSOF(default_rules), sizeof(*rules));
	if (!rules)
		return oom();
	memcpy(rules, res->devices, n * sizeof(*rules));
	memcpy(rules + n, default_rules, sizeof(default_rules));
	ret->devices = rules;
	ret->n_devices = n + NSB_ELEMENTSOF(default_rules);
	*ret_rules = rules;
	return 0;
}

/* --- the rest --------------------------------------------------------------------------- */

static int namespaces(struct tr *t)
{
	const struct nsb_oci_linux *l = &t->spec->linux_;
	struct nsb_oci_plan *p = t->p;

	if (!l->ns[NSB_OCI_NS_MOUNT].present) {
		nsb_err("config.json: linux.namespaces: nsbox-oci needs a mount namespace "
		        "(add {\"type\": \"mount\"})");
		return -EOPNOTSUPP;
	}
	if (l->ns[NSB_OCI_NS_MOUNT].path) {
		nsb_err("config.json: linux.namespaces: joining a mount namespace is not supported "
		        "('%s')",
		        l->ns[NSB_OCI_NS_MOUNT].path);
		return -EOPNOTSUPP;
	}
	for (int ns = 0; ns < NSB_OCI_NS_N; ns++) {
		if (!l->ns[ns].present)
			continue;
		if (l->ns[ns].path) {
			p->join[ns] = l->ns[ns].path;
			continue;
		}
		if (ns == NSB_OCI_NS_CGROUP)
			p->new_cgroupns = true;
		else if (ns == NSB_OCI_NS_TIME)
			p->new_timens = true;
		else
			p->clone_flags |= ns_flags[ns];
	}
	p->new_userns = p->clone_flags & CLONE_NEWUSER;
	p->new_pidns = p->clone_flags & CLONE_NEWPID;
	return 0;
}

static int add_paths(struct tr *t)
{
	const struct nsb_oci_spec *s = t->spec;
	struct nsb_mount_spec *ro = NULL;
	struct nsb_op *op;

	if (s->has_process && !nsb_path_is_root(s->process.cwd)) {
		op = add_op(t, NSB_OP_DIR, "config.json: process.cwd", s->process.cwd);
		if (!op)
			return -EINVAL;
	}
	if (s->linux_.readonly_paths.n) {
		ro = new_mnt(t);
		if (!ro)
			return oom();
		ro->rattr_set = MOUNT_ATTR_RDONLY;
		ro->recursive = true;
	}
	for (size_t i = 0; i < s->linux_.readonly_paths.n; i++) {
		op = add_op(t, NSB_OP_REMOUNT, ownf(t, "config.json: linux.readonlyPaths[%zu]", i),
		            s->linux_.readonly_paths.v[i]);
		if (!op)
			return -EINVAL;
		op->flags = NSB_OPF_ALLOW_MISSING;
		op->mnt = ro;
	}
	for (size_t i = 0; i < s->linux_.masked_paths.n; i++) {
		op = add_op(t, NSB_OP_MASK, ownf(t, "config.json: linux.maskedPaths[%zu]", i),
		            s->linux_.masked_paths.v[i]);
		if (!op)
			return -EINVAL;
		op->flags = NSB_OPF_ALLOW_MISSING;
	}
	if (s->root_readonly) {
		struct nsb_mount_spec *ms = new_mnt(t);

		if (!ms)
			return oom();
		ms->attr_set = MOUNT_ATTR_RDONLY;
		op = add_op(t, NSB_OP_REMOUNT, "config.json: root.readonly", "/");
		if (!op)
			return -EINVAL;
		op->mnt = ms;
	}
	return 0;
}

int nsb_oci_translate(const struct nsb_oci_spec *spec, const char *bundle,
                      const struct nsb_oci_host *host, struct nsb_oci_plan *ret)
{
	struct tr t = {.p = ret, .spec = spec, .bundle = bundle, .host = host};
	struct nsb_op *op;
	int r;

	*ret = (struct nsb_oci_plan){0};
	nsb_config_init_fds(&ret->cfg);
	ret->cfg.real_uid = (uid_t)-1;
	ret->cfg.real_gid = (gid_t)-1;
	/* The tmpfs and other filesystems the ops mount get linux.mountLabel
	 * (checked by nsb_oci_spec_check_host). */
	if (spec->linux_.mount_label && spec->linux_.mount_label[0])
		ret->cfg.file_label = spec->linux_.mount_label;
	r = namespaces(&t);
	if (r < 0)
		goto fail;
	if (spec->root_path[0] == '/')
		ret->rootfs = strdup(spec->root_path);
	else if (asprintf(&ret->rootfs, "%s/%s", bundle, spec->root_path) < 0)
		ret->rootfs = NULL;
	if (!ret->rootfs) {
		r = oom();
		goto fail;
	}
	op = add_op(&t, NSB_OP_ROOTFS, "config.json: root.path", "/");
	if (!op) {
		r = -EINVAL;
		goto fail;
	}
	op->src = ret->rootfs;
	r = add_mounts(&t);
	if (r >= 0)
		r = add_devices(&t);
	if (r >= 0)
		r = add_paths(&t);
	if (r >= 0)
		return 0;
fail:
	nsb_oci_plan_free(ret);
	return r < 0 ? r : -EINVAL;
}

void nsb_oci_plan_free(struct nsb_oci_plan *p)
{
	nsb_config_free(&p->cfg);
	free(p->rootfs);
	*p = (struct nsb_oci_plan){0};
}
