/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/magic.h>

#include "log.h"
#include "oci/cgroup.h"
#include "util.h"

/* --- names ---------------------------------------------------------------------- */

static const char *const ctrl_names[NSB_CG_N_CTRL] = {
        [NSB_CG_CPU] = "cpu",         [NSB_CG_CPUACCT] = "cpuacct",   [NSB_CG_CPUSET] = "cpuset",
        [NSB_CG_MEMORY] = "memory",   [NSB_CG_DEVICES] = "devices",   [NSB_CG_FREEZER] = "freezer",
        [NSB_CG_BLKIO] = "blkio",     [NSB_CG_PIDS] = "pids",         [NSB_CG_HUGETLB] = "hugetlb",
        [NSB_CG_NET_CLS] = "net_cls", [NSB_CG_NET_PRIO] = "net_prio", [NSB_CG_RDMA] = "rdma",
        [NSB_CG_MISC] = "misc",
};

const char *nsb_cgroup_ctrl_name(enum nsb_cg_ctrl c, bool v2)
{
	if ((unsigned)c >= NSB_CG_N_CTRL)
		return NULL;
	if (v2 && c == NSB_CG_BLKIO)
		return "io";
	return ctrl_names[c];
}

static int ctrl_by_name(const char *name, size_t len)
{
	for (int c = 0; c < NSB_CG_N_CTRL; c++)
		if (strlen(ctrl_names[c]) == len && strncmp(ctrl_names[c], name, len) == 0)
			return c;
	if (len == 2 && strncmp(name, "io", 2) == 0)
		return NSB_CG_BLKIO;
	return -1;
}

/* --- files ------------------------------------------------------------------------- */

static int join(char *buf, size_t size, const char *a, const char *b, const char *c)
{
	int n = snprintf(buf, size, "%s%s%s%s%s", a, b && *b ? "/" : "", b ? b : "",
	                 c && *c ? "/" : "", c ? c : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int write_file(const char *dir, const char *file, const char *value)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	int r;

	r = join(path, sizeof(path), dir, NULL, file);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return nsb_write_all(fd, value, strlen(value));
}

static int read_file(const char *dir, const char *file, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	ssize_t n;
	int r;

	r = join(path, sizeof(path), dir, NULL, file);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

static void msleep(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* --- layout -------------------------------------------------------------------------- */

void nsb_cgroup_layout_free(struct nsb_cg_layout *l)
{
	free(l->v2.mount);
	free(l->v2.self);
	for (size_t i = 0; i < l->n_v1; i++) {
		free(l->v1[i].mount);
		free(l->v1[i].self);
	}
	free(l->v1);
	*l = (struct nsb_cg_layout){0};
}

static unsigned v2_controllers(const char *mount)
{
	char buf[1024];
	unsigned bits = 0;

	if (read_file(mount, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return 0;
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		int c = ctrl_by_name(tok, strlen(tok));

		if (c >= 0)
			bits |= 1u << c;
	}
	return bits;
}

/* One line "N:names:path" of /proc/self/cgroup, v1 part. */
static int add_v1(struct nsb_cg_layout *l, const char *base, char *names, const char *self)
{
	struct nsb_cg_hier h = {0}, *nv;
	char dir[PATH_MAX];
	const char *dname = names;
	unsigned bits = 0;
	bool found = false;

	if (strncmp(names, "name=", 5) == 0) {
		dname = names + 5;
		h.named = true;
	} else {
		for (char *p = names; *p;) {
			size_t len = strcspn(p, ",");
			int c = ctrl_by_name(p, len);

			if (c >= 0)
				bits |= 1u << c;
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (join(dir, sizeof(dir), base, dname, NULL) == 0 && is_fs(dir, CGROUP_SUPER_MAGIC))
		found = true;
	/* Hosts without the co-mount symlinks: any one controller's name. */
	for (int c = 0; !found && c < NSB_CG_N_CTRL; c++)
		if ((bits & (1u << c)) && join(dir, sizeof(dir), base, ctrl_names[c], NULL) == 0 &&
		    is_fs(dir, CGROUP_SUPER_MAGIC))
			found = true;
	if (!found || (!bits && !h.named))
		return 0;
	h.controllers = bits;
	h.mount = strdup(dir);
	h.self = strdup(self);
	nv = realloc(l->v1, (l->n_v1 + 1) * sizeof(*l->v1));
	if (!h.mount || !h.self || !nv) {
		free(h.mount);
		free(h.self);
		if (nv)
			l->v1 = nv;
		return -ENOMEM;
	}
	l->v1 = nv;
	l->v1[l->n_v1++] = h;
	return 0;
}

int nsb_cgroup_layout_detect(const char *base, bool rootless, struct nsb_cg_layout *ret)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	char v2dir[PATH_MAX];
	char *line, *next;
	bool unified;
	int r;

	*ret = (struct nsb_cg_layout){.rootless = rootless};
	unified = is_fs(base, CGROUP2_SUPER_MAGIC);
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "cannot read /proc/self/cgroup");
	r = nsb_read_all(fd, 65536, &text, NULL);
	if (r < 0)
		return nsb_log_errno(r, "cannot read /proc/self/cgroup");
	for (line = text; line && *line; line = next) {
		char *names, *path;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		names = strchr(line, ':');
		path = names ? strchr(names + 1, ':') : NULL;
		if (!path)
			continue;
		*names++ = '\0';
		*path++ = '\0';
		if (strcmp(line, "0") == 0 && !*names) {
			if (unified)
				snprintf(v2dir, sizeof(v2dir), "%s", base);
			else if (join(v2dir, sizeof(v2dir), base, "unified", NULL) < 0 ||
			         !is_fs(v2dir, CGROUP2_SUPER_MAGIC))
				continue;
			ret->v2.mount = strdup(v2dir);
			ret->v2.self = strdup(path);
			if (!ret->v2.mount || !ret->v2.self)
				r = -ENOMEM;
			continue;
		}
		if (!unified)
			r = add_v1(ret, base, names, path);
		if (r < 0)
			break;
	}
	if (r < 0) {
		nsb_cgroup_layout_free(ret);
		return nsb_log_errno(r, "cannot find the cgroup hierarchies");
	}
	if (ret->v2.mount)
		ret->v2.controllers = v2_controllers(ret->v2.mount);
	if (unified && ret->v2.mount)
		ret->mode = NSB_CG_UNIFIED;
	else if (ret->n_v1 && ret->v2.mount)
		ret->mode = NSB_CG_HYBRID;
	else if (ret->n_v1)
		ret->mode = NSB_CG_LEGACY;
	else
		ret->mode = NSB_CG_NONE;
	return 0;
}

/* --- paths ----------------------------------------------------------------------------- */

/* Append "/"-separated components of s to buf (normalised: no empty, "."
 * or ".." components). */
static int path_append(char *buf, size_t size, const char *s)
{
	size_t o = strlen(buf);

	while (*s) {
		size_t len;

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		if (len == 0)
			break;
		if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
			return -EINVAL;
		if (o + len + 2 > size)
			return -ENAMETOOLONG;
		if (o == 0 || buf[o - 1] != '/')
			buf[o++] = '/';
		memcpy(buf + o, s, len);
		o += len;
		buf[o] = '\0';
		s += len;
	}
	return 0;
}

static bool unit_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr(":-_.\\@", s[i])))
			return false;
	return true;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" ("-.slice" is "/"). */
static int slice_path(char *buf, size_t size, const char *slice, size_t len)
{
	const char *dash;
	size_t o = strlen(buf);

	if (len < 6 || strncmp(slice + len - 6, ".slice", 6) != 0)
		return -EINVAL;
	if (len == 7 && slice[0] == '-')
		return 0;
	len -= 6;
	if (slice[0] == '-' || slice[len - 1] == '-')
		return -EINVAL;
	for (dash = slice;; dash++) {
		size_t plen;

		dash = memchr(dash, '-', len - (size_t)(dash - slice));
		plen = dash ? (size_t)(dash - slice) : len;
		if (dash && dash[1] == '-')
			return -EINVAL;
		if (o + plen + 8 > size)
			return -ENAMETOOLONG;
		o += (size_t)snprintf(buf + o, size - o, "/%.*s.slice", (int)plen, slice);
		if (!dash)
			return 0;
	}
}

static int systemd_path(const struct nsb_cg_layout *l, const char *spec, char *buf, size_t size)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *name;
	size_t slen;

	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return -EINVAL;
	name = c2 + 1;
	slen = (size_t)(c1 - spec);
	buf[0] = '\0';
	if (slen == 0) {
		const char *def = l->rootless ? "user.slice" : "system.slice";

		if (slice_path(buf, size, def, strlen(def)) < 0)
			return -EINVAL;
	} else if (!unit_name_ok(spec, slen) || slice_path(buf, size, spec, slen) < 0) {
		return -EINVAL;
	}
	if (!unit_name_ok(name, strlen(name)))
		return -EINVAL;
	/* A name that is a slice is the unit itself. */
	if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0) {
		buf[0] = '\0';
		return slice_path(buf, size, name, strlen(name)) < 0 ? -EINVAL : 0;
	}
	if (c2 > c1 + 1) {
		if (!unit_name_ok(c1 + 1, (size_t)(c2 - c1 - 1)))
			return -EINVAL;
		if (strlen(buf) + (size_t)(c2 - c1) + strlen(name) + 8 > size)
			return -ENAMETOOLONG;
		snprintf(buf + strlen(buf), size - strlen(buf), "/%.*s-%s.scope",
		         (int)(c2 - c1 - 1), c1 + 1, name);
	} else {
		if (strlen(buf) + strlen(name) + 8 > size)
			return -ENAMETOOLONG;
		snprintf(buf + strlen(buf), size - strlen(buf), "/%s.scope", name);
	}
	return 0;
}

static const char *self_ref(const struct nsb_cg_layout *l)
{
	if (l->v2.mount)
		return l->v2.self;
	for (size_t i = 0; i < l->n_v1; i++)
		if (l->v1[i].named)
			return l->v1[i].self;
	return l->n_v1 ? l->v1[0].self : "/";
}

int nsb_cgroup_path(const struct nsb_cg_layout *l, const char *cgroups_path, bool systemd,
                    const char *id, char **ret)
{
	char buf[PATH_MAX] = "";
	int r;

	if (systemd) {
		if (!cgroups_path || !*cgroups_path) {
			char def[NAME_MAX];

			snprintf(def, sizeof(def), ":nsbox-oci:%s", id);
			r = systemd_path(l, def, buf, sizeof(buf));
		} else {
			r = systemd_path(l, cgroups_path, buf, sizeof(buf));
		}
		if (r < 0) {
			nsb_err("config.json: linux.cgroupsPath: with --systemd-cgroup it must be "
			        "slice:prefix:name, as machine.slice:libpod:ID ('%s')",
			        cgroups_path ? cgroups_path : "");
			return -EINVAL;
		}
	} else {
		if (!cgroups_path || !*cgroups_path) {
			char def[NAME_MAX + 32];

			if (l->rootless) {
				r = path_append(buf, sizeof(buf), self_ref(l));
				snprintf(def, sizeof(def), "nsbox-oci-%s", id);
			} else {
				r = 0;
				snprintf(def, sizeof(def), "nsbox-oci/%s", id);
			}
			if (r >= 0)
				r = path_append(buf, sizeof(buf), def);
		} else {
			r = 0;
			if (cgroups_path[0] != '/')
				r = path_append(buf, sizeof(buf), self_ref(l));
			if (r >= 0)
				r = path_append(buf, sizeof(buf), cgroups_path);
		}
		if (r < 0) {
			nsb_err("config.json: linux.cgroupsPath: not a cgroup path%s ('%s')",
			        r == -ENAMETOOLONG ? " (too long)" : " (no . or .. components)",
			        cgroups_path ? cgroups_path : "");
			return -EINVAL;
		}
	}
	if (!buf[0] || strcmp(buf, "/") == 0) {
		nsb_err("config.json: linux.cgroupsPath: the root cgroup cannot be a container's "
		        "('%s')",
		        cgroups_path ? cgroups_path : "");
		return -EINVAL;
	}
	*ret = strdup(buf);
	return *ret ? 0 : nsb_log_errno(ENOMEM, "cgroup path");
}

/* --- the plan ---------------------------------------------------------------------------- */

struct plan {
	struct nsb_cg_write *v;
	size_t n, cap;
	int err;
};

static void add(struct plan *p, enum nsb_cg_ctrl ctrl, const char *file, const char *alt,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add(struct plan *p, enum nsb_cg_ctrl ctrl, const char *file, const char *alt,
                const char *fmt, ...)
{
	struct nsb_cg_write *w;
	va_list ap;

	if (p->err)
		return;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct nsb_cg_write *nv = realloc(p->v, ncap * sizeof(*nv));

		if (!nv) {
			p->err = -ENOMEM;
			return;
		}
		p->v = nv;
		p->cap = ncap;
	}
	w = &p->v[p->n++];
	memset(w, 0, sizeof(*w));
	w->ctrl = ctrl;
	snprintf(w->file, sizeof(w->file), "%s", file);
	snprintf(w->alt, sizeof(w->alt), "%s", alt ? alt : "");
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
}

static void devnum(char *buf, size_t size, int64_t n)
{
	if (n < 0)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%" PRId64, n);
}

static void plan_devices_v1(struct plan *p, const struct nsb_oci_resources *res)
{
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct nsb_oci_dev_rule *d = &res->devices[i];
		char maj[24], min[24], acc[4];
		size_t k = 0;

		devnum(maj, sizeof(maj), d->major);
		devnum(min, sizeof(min), d->minor);
		if (d->access & NSB_OCI_DEV_READ)
			acc[k++] = 'r';
		if (d->access & NSB_OCI_DEV_WRITE)
			acc[k++] = 'w';
		if (d->access & NSB_OCI_DEV_MKNOD)
			acc[k++] = 'm';
		acc[k] = '\0';
		add(p, NSB_CG_DEVICES, d->allow ? "devices.allow" : "devices.deny", NULL,
		    "%c %s:%s %s", d->type, maj, min, acc);
	}
}

static void warn_ignored(const char *what, bool v2)
{
	nsb_warn("config.json: linux.resources.%s: not available on cgroup %s, ignored", what,
	         v2 ? "v2" : "v1");
}

static void plan_memory(struct plan *p, const struct nsb_oci_resources *res, bool v2)
{
	const struct nsb_oci_i64 *lim = &res->memory.limit, *swap = &res->memory.swap;

	if (res->memory.kernel.set || res->memory.kernel_tcp.set)
		nsb_warn("config.json: linux.resources.memory.kernel%s: kernel memory limits are "
		         "deprecated by Linux, ignored (as runc does)",
		         res->memory.kernel.set ? "" : "TCP");
	if (!v2) {
		/* memsw (memory+swap) may never be below the limit: open it
		 * first, then set the limit, then memsw. */
		if (swap->set)
			add(p, NSB_CG_MEMORY, "memory.memsw.limit_in_bytes", NULL, "-1");
		if (lim->set)
			add(p, NSB_CG_MEMORY, "memory.limit_in_bytes", NULL, "%" PRId64, lim->v);
		if (swap->set)
			add(p, NSB_CG_MEMORY, "memory.memsw.limit_in_bytes", NULL, "%" PRId64,
			    swap->v);
		if (res->memory.reservation.set)
			add(p, NSB_CG_MEMORY, "memory.soft_limit_in_bytes", NULL, "%" PRId64,
			    res->memory.reservation.v);
		if (res->memory.swappiness.set)
			add(p, NSB_CG_MEMORY, "memory.swappiness", NULL, "%" PRIu64,
			    res->memory.swappiness.v);
		if (res->memory.has_disable_oom_killer && res->memory.disable_oom_killer)
			add(p, NSB_CG_MEMORY, "memory.oom_control", NULL, "1");
		if (res->memory.has_use_hierarchy)
			add(p, NSB_CG_MEMORY, "memory.use_hierarchy", NULL, "%d",
			    res->memory.use_hierarchy);
		return;
	}
	if (lim->set) {
		if (lim->v < 0)
			add(p, NSB_CG_MEMORY, "memory.max", NULL, "max");
		else
			add(p, NSB_CG_MEMORY, "memory.max", NULL, "%" PRId64, lim->v);
	}
	if (swap->set) {
		/* v1's swap is memory+swap; v2 limits swap alone. */
		if (swap->v < 0) {
			add(p, NSB_CG_MEMORY, "memory.swap.max", NULL, "max");
		} else if (!lim->set || lim->v <= 0) {
			if (swap->v != 0) {
				nsb_err("config.json: linux.resources.memory.swap: needs a "
				        "memory.limit on cgroup v2 ('%" PRId64 "')",
				        swap->v);
				p->err = -EINVAL;
				return;
			}
			add(p, NSB_CG_MEMORY, "memory.swap.max", NULL, "0");
		} else {
			add(p, NSB_CG_MEMORY, "memory.swap.max", NULL, "%" PRId64,
			    swap->v - lim->v);
		}
	}
	if (res->memory.reservation.set) {
		if (res->memory.reservation.v < 0)
			add(p, NSB_CG_MEMORY, "memory.low", NULL, "0");
		else
			add(p, NSB_CG_MEMORY, "memory.low", NULL, "%" PRId64,
			    res->memory.reservation.v);
	}
	if (res->memory.swappiness.set)
		warn_ignored("memory.swappiness", true);
	if (res->memory.has_disable_oom_killer && res->memory.disable_oom_killer)
		warn_ignored("memory.disableOOMKiller", true);
}

static void plan_cpu(struct plan *p, const struct nsb_oci_resources *res, bool v2)
{
	const typeof(res->cpu) *c = &res->cpu;

	if (c->cpus)
		add(p, NSB_CG_CPUSET, "cpuset.cpus", NULL, "%s", c->cpus);
	if (c->mems)
		add(p, NSB_CG_CPUSET, "cpuset.mems", NULL, "%s", c->mems);
	if (!v2) {
		if (c->shares.set && c->shares.v)
			add(p, NSB_CG_CPU, "cpu.shares", NULL, "%" PRIu64, c->shares.v);
		if (c->period.set && c->period.v)
			add(p, NSB_CG_CPU, "cpu.cfs_period_us", NULL, "%" PRIu64, c->period.v);
		if (c->quota.set && c->quota.v)
			add(p, NSB_CG_CPU, "cpu.cfs_quota_us", NULL, "%" PRId64,
			    c->quota.v < 0 ? -1 : c->quota.v);
		if (c->burst.set)
			add(p, NSB_CG_CPU, "cpu.cfs_burst_us", NULL, "%" PRIu64, c->burst.v);
		if (c->realtime_period.set && c->realtime_period.v)
			add(p, NSB_CG_CPU, "cpu.rt_period_us", NULL, "%" PRIu64,
			    c->realtime_period.v);
		if (c->realtime_runtime.set && c->realtime_runtime.v)
			add(p, NSB_CG_CPU, "cpu.rt_runtime_us", NULL, "%" PRId64,
			    c->realtime_runtime.v);
		if (c->idle.set)
			add(p, NSB_CG_CPU, "cpu.idle", NULL, "%" PRId64, c->idle.v);
		return;
	}
	if (c->shares.set && c->shares.v) {
		/* runc's mapping of shares [2, 262144] onto weight [1, 10000]. */
		uint64_t s = c->shares.v < 2 ? 2 : c->shares.v > 262144 ? 262144 : c->shares.v;

		add(p, NSB_CG_CPU, "cpu.weight", NULL, "%" PRIu64, 1 + ((s - 2) * 9999) / 262142);
	}
	if ((c->quota.set && c->quota.v) || (c->period.set && c->period.v)) {
		uint64_t period = c->period.set && c->period.v ? c->period.v : 100000;

		if (c->quota.set && c->quota.v > 0)
			add(p, NSB_CG_CPU, "cpu.max", NULL, "%" PRId64 " %" PRIu64, c->quota.v,
			    period);
		else
			add(p, NSB_CG_CPU, "cpu.max", NULL, "max %" PRIu64, period);
	}
	if (c->burst.set)
		add(p, NSB_CG_CPU, "cpu.max.burst", NULL, "%" PRIu64, c->burst.v);
	if (c->idle.set)
		add(p, NSB_CG_CPU, "cpu.idle", NULL, "%" PRId64, c->idle.v);
	if ((c->realtime_period.set && c->realtime_period.v) ||
	    (c->realtime_runtime.set && c->realtime_runtime.v)) {
		nsb_err("config.json: linux.resources.cpu.realtimeRuntime: real-time limits are "
		        "not available on cgroup v2");
		p->err = -EOPNOTSUPP;
	}
}

static void plan_blkio_devs(struct plan *p, const struct nsb_oci_blkio_devs *d, bool v2,
                            const char *v1file, const char *v2key)
{
	for (size_t i = 0; i < d->n; i++) {
		if (v2)
			add(p, NSB_CG_BLKIO, "io.max", NULL, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			    d->v[i].major, d->v[i].minor, v2key, d->v[i].rate);
		else
			add(p, NSB_CG_BLKIO, v1file, NULL, "%" PRId64 ":%" PRId64 " %" PRIu64,
			    d->v[i].major, d->v[i].minor, d->v[i].rate);
	}
}

static uint64_t io_weight(uint64_t blkio)
{
	/* blkio weights [10, 1000] onto io.weight [1, 10000], as runc. */
	if (blkio < 10)
		blkio = 10;
	return 1 + (blkio - 10) * 9999 / 990;
}

static void plan_blkio(struct plan *p, const struct nsb_oci_resources *res, bool v2)
{
	const typeof(res->blkio) *b = &res->blkio;

	if (b->weight.set && b->weight.v) {
		if (v2)
			add(p, NSB_CG_BLKIO, "io.bfq.weight", "io.weight", "%" PRIu64, b->weight.v);
		else
			add(p, NSB_CG_BLKIO, "blkio.weight", "blkio.bfq.weight", "%" PRIu64,
			    b->weight.v);
	}
	if (b->leaf_weight.set && b->leaf_weight.v) {
		if (v2)
			warn_ignored("blockIO.leafWeight", true);
		else
			add(p, NSB_CG_BLKIO, "blkio.leaf_weight", NULL, "%" PRIu64,
			    b->leaf_weight.v);
	}
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct nsb_oci_blkio_dev *d = &b->weight_device.v[i];

		if (d->weight.set && v2)
			add(p, NSB_CG_BLKIO, "io.weight", NULL, "%" PRId64 ":%" PRId64 " %" PRIu64,
			    d->major, d->minor, io_weight(d->weight.v));
		else if (d->weight.set)
			add(p, NSB_CG_BLKIO, "blkio.weight_device", "blkio.bfq.weight_device",
			    "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->weight.v);
		if (d->leaf_weight.set && !v2)
			add(p, NSB_CG_BLKIO, "blkio.leaf_weight_device", NULL,
			    "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			    d->leaf_weight.v);
	}
	plan_blkio_devs(p, &b->throttle_read_bps, v2, "blkio.throttle.read_bps_device", "rbps");
	plan_blkio_devs(p, &b->throttle_write_bps, v2, "blkio.throttle.write_bps_device", "wbps");
	plan_blkio_devs(p, &b->throttle_read_iops, v2, "blkio.throttle.read_iops_device", "riops");
	plan_blkio_devs(p, &b->throttle_write_iops, v2, "blkio.throttle.write_iops_device",
	                "wiops");
}

int nsb_cgroup_plan(const struct nsb_oci_resources *res, bool v2, struct nsb_cg_write **ret,
                    size_t *ret_n)
{
	struct plan p = {0};

	*ret = NULL;
	*ret_n = 0;
	if (!res || !res->present)
		return 0;
	if (!v2)
		plan_devices_v1(&p, res);
	plan_memory(&p, res, v2);
	plan_cpu(&p, res, v2);
	if (res->pids_limit.set) {
		if (res->pids_limit.v > 0)
			add(&p, NSB_CG_PIDS, "pids.max", NULL, "%" PRId64, res->pids_limit.v);
		else
			add(&p, NSB_CG_PIDS, "pids.max", NULL, "max");
	}
	plan_blkio(&p, res, v2);
	for (size_t i = 0; i < res->n_hugepages; i++) {
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.%s", res->hugepages[i].page_size,
		         v2 ? "max" : "limit_in_bytes");
		add(&p, NSB_CG_HUGETLB, file, NULL, "%" PRIu64, res->hugepages[i].limit);
	}
	if (res->network.class_id.set || res->network.n_priorities) {
		if (v2) {
			warn_ignored("network", true);
		} else {
			if (res->network.class_id.set)
				add(&p, NSB_CG_NET_CLS, "net_cls.classid", NULL, "%" PRIu64,
				    res->network.class_id.v);
			for (size_t i = 0; i < res->network.n_priorities; i++)
				add(&p, NSB_CG_NET_PRIO, "net_prio.ifpriomap", NULL, "%s %u",
				    res->network.priorities[i].name,
				    res->network.priorities[i].priority);
		}
	}
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct nsb_oci_rdma *d = &res->rdma[i];
		char h[32] = "max", o[32] = "max";

		if (d->hca_handles.set)
			snprintf(h, sizeof(h), "%" PRIu64, d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(o, sizeof(o), "%" PRIu64, d->hca_objects.v);
		add(&p, NSB_CG_RDMA, "rdma.max", NULL, "%s hca_handle=%s hca_object=%s", d->device,
		    h, o);
	}
	if (res->unified.n && !v2 && !p.err) {
		nsb_err("config.json: linux.resources.unified: needs cgroup v2 (this host has v1 "
		        "controllers)");
		p.err = -EOPNOTSUPP;
	}
	for (size_t i = 0; v2 && i < res->unified.n; i++) {
		const char *k = res->unified.v[i].key;
		int c = ctrl_by_name(k, strcspn(k, "."));

		add(&p, c < 0 ? NSB_CG_N_CTRL : (enum nsb_cg_ctrl)c, k, NULL, "%s",
		    res->unified.v[i].value);
	}
	if (p.err) {
		free(p.v);
		if (p.err == -ENOMEM)
			return nsb_log_errno(ENOMEM, "linux.resources");
		return p.err;
	}
	*ret = p.v;
	*ret_n = p.n;
	return 0;
}

/* --- making directories and writing the plan --------------------------------------------- */

/* mkdir mount+path component by component; v1 cpuset directories get
 * their parent's cpus and mems (a new one has none and takes no task). */
static int make_dirs(const char *mount, const char *path, bool cpuset)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	const char *s = path;

	if (join(dir, sizeof(dir), mount, NULL, NULL) < 0)
		return -ENAMETOOLONG;
	while (*s) {
		size_t len, o = strlen(dir);

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		if (!len)
			break;
		if (o + len + 2 > sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(parent, dir, o + 1);
		dir[o] = '/';
		memcpy(dir + o + 1, s, len);
		dir[o + 1 + len] = '\0';
		s += len;
		if (mkdir(dir, 0755) < 0) {
			if (errno != EEXIST)
				return -errno;
			continue;
		}
		if (cpuset) {
			char v[4096];

			for (int k = 0; k < 2; k++) {
				const char *f = k ? "cpuset.mems" : "cpuset.cpus";

				if (read_file(dir, f, v, sizeof(v)) == 0 && !v[0] &&
				    read_file(parent, f, v, sizeof(v)) == 0)
					write_file(dir, f, v);
			}
		}
	}
	return 0;
}

static int apply_write(const char *dir, const struct nsb_cg_write *w)
{
	int r = write_file(dir, w->file, w->value);

	if (r == -ENOENT && w->alt[0])
		r = write_file(dir, w->alt, w->value);
	if (r < 0)
		nsb_log_errno(r, "linux.resources: cannot write '%s' to %s/%s", w->value, dir,
		              w->file);
	return r;
}

static const struct nsb_cg_hier *v1_for(const struct nsb_cg_layout *l, enum nsb_cg_ctrl c)
{
	for (size_t i = 0; i < l->n_v1; i++)
		if (l->v1[i].controllers & (1u << c))
			return &l->v1[i];
	return NULL;
}

static int apply_v1(const struct nsb_cg_layout *l, const char *path, const struct nsb_cg_write *ws,
                    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct nsb_cg_hier *h = v1_for(l, ws[i].ctrl);
		char dir[PATH_MAX];
		int r;

		if (!h) {
			nsb_err("linux.resources: this host has no %s cgroup controller for '%s'",
			        nsb_cgroup_ctrl_name(ws[i].ctrl, false), ws[i].file);
			return -EOPNOTSUPP;
		}
		r = join(dir, sizeof(dir), h->mount, path, NULL);
		if (r >= 0)
			r = apply_write(dir, &ws[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Enable in every ancestor of path the controllers the plan needs (and
 * the usual ones where available, so that a later update works). */
static int enable_v2(const struct nsb_cg_layout *l, const char *path, unsigned need)
{
	static const enum nsb_cg_ctrl usual[] = {NSB_CG_CPU,  NSB_CG_CPUSET, NSB_CG_MEMORY,
	                                         NSB_CG_PIDS, NSB_CG_BLKIO,  NSB_CG_HUGETLB,
	                                         NSB_CG_RDMA, NSB_CG_MISC};
	char dir[PATH_MAX];
	const char *s = path;

	snprintf(dir, sizeof(dir), "%s", l->v2.mount);
	for (;;) {
		unsigned avail = v2_controllers(dir);
		size_t len, o;

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		/* The leaf's own subtree_control stays empty: processes
		 * live there. */
		if (!len || !s[len])
			break;
		for (size_t i = 0; i < NSB_ELEMENTSOF(usual); i++) {
			char word[32];
			int r;

			if (!(avail & (1u << usual[i])))
				continue;
			snprintf(word, sizeof(word), "+%s", nsb_cgroup_ctrl_name(usual[i], true));
			r = write_file(dir, "cgroup.subtree_control", word);
			if (r < 0 && (need & (1u << usual[i])))
				return nsb_log_errno(r,
				                     "linux.resources: cannot enable the %s "
				                     "controller in %s",
				                     nsb_cgroup_ctrl_name(usual[i], true), dir);
		}
		o = strlen(dir);
		if (o + len + 2 > sizeof(dir))
			return -ENAMETOOLONG;
		dir[o] = '/';
		memcpy(dir + o + 1, s, len);
		dir[o + 1 + len] = '\0';
		s += len;
	}
	return 0;
}

static bool has_limits(const struct nsb_oci_resources *res)
{
	struct nsb_cg_write *ws = NULL;
	size_t n = 0;
	int saved;

	if (!res || !res->present)
		return false;
	if (res->n_devices)
		return true;
	/* The plan's own warnings would repeat: compute it quietly. */
	saved = nsb_log_get_max_level();
	nsb_log_set_max_level(-1);
	nsb_cgroup_plan(res, true, &ws, &n);
	nsb_log_set_max_level(saved);
	free(ws);
	return n > 0;
}

static int move_pid(const char *dir, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	return write_file(dir, "cgroup.procs", v);
}

static int create_v2(const struct nsb_cg_layout *l, const char *path,
                     const struct nsb_oci_resources *res, pid_t pid, bool strict)
{
	_cleanup_free_ struct nsb_cg_write *ws = NULL;
	_cleanup_close_ int dfd = -1;
	char dir[PATH_MAX];
	unsigned need = 0;
	size_t n = 0;
	int r;

	if (strict) {
		r = nsb_cgroup_plan(res, true, &ws, &n);
		if (r < 0)
			return r;
	}
	r = join(dir, sizeof(dir), l->v2.mount, path, NULL);
	if (r < 0)
		return nsb_log_errno(r, "cgroup '%s'", path);
	r = make_dirs(l->v2.mount, path, false);
	if (r < 0)
		return nsb_log_errno(r, "cannot create the cgroup %s", dir);
	for (size_t i = 0; i < n; i++)
		if (ws[i].ctrl < NSB_CG_N_CTRL)
			need |= 1u << ws[i].ctrl;
	if (strict) {
		r = enable_v2(l, path, need);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		r = apply_write(dir, &ws[i]);
		if (r < 0)
			return r;
	}
	if (strict && res && res->n_devices) {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return nsb_log_errno(errno, "cgroup %s", dir);
		r = nsb_cgroup_devices_attach(dfd, res->devices, res->n_devices);
		if (r < 0)
			return nsb_log_errno(r,
			                     "linux.resources.devices: cannot attach the device "
			                     "filter to %s",
			                     dir);
	}
	if (pid > 0) {
		r = move_pid(dir, pid);
		if (r < 0)
			return nsb_log_errno(r, "cannot move pid %d into the cgroup %s", (int)pid,
			                     dir);
	}
	return 0;
}

static int create_v1(const struct nsb_cg_layout *l, const char *path,
                     const struct nsb_oci_resources *res, pid_t pid)
{
	_cleanup_free_ struct nsb_cg_write *ws = NULL;
	unsigned need = 0;
	size_t n = 0;
	int r;

	r = nsb_cgroup_plan(res, false, &ws, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		need |= 1u << ws[i].ctrl;
	for (size_t i = 0; i < l->n_v1; i++) {
		const struct nsb_cg_hier *h = &l->v1[i];
		char dir[PATH_MAX];

		r = join(dir, sizeof(dir), h->mount, path, NULL);
		if (r >= 0)
			r = make_dirs(h->mount, path, h->controllers & (1u << NSB_CG_CPUSET));
		if (r < 0) {
			/* A hierarchy no limit needs is not worth failing for. */
			if (!(h->controllers & need)) {
				nsb_debug("cgroup %s: %s, left out", dir, strerror(-r));
				continue;
			}
			return nsb_log_errno(r, "cannot create the cgroup %s", dir);
		}
	}
	r = apply_v1(l, path, ws, n);
	if (r < 0)
		return r;
	for (size_t i = 0; pid > 0 && i < l->n_v1; i++) {
		char dir[PATH_MAX];

		if (join(dir, sizeof(dir), l->v1[i].mount, path, NULL) < 0 || access(dir, F_OK) < 0)
			continue;
		r = move_pid(dir, pid);
		if (r < 0)
			return nsb_log_errno(r, "cannot move pid %d into the cgroup %s", (int)pid,
			                     dir);
	}
	/* Hybrid: the unified hierarchy too, as runc does; nothing is
	 * limited there. */
	if (l->mode == NSB_CG_HYBRID && create_v2(l, path, NULL, pid, false) < 0)
		nsb_debug("cgroup %s%s in the unified hierarchy: left out", l->v2.mount, path);
	return 0;
}

static bool v2_writable(const struct nsb_cg_layout *l, const char *path)
{
	char dir[PATH_MAX];
	_cleanup_free_ char *p = strdup(path);
	char *slash;

	/* The deepest existing ancestor must be ours to write. */
	if (!p || !l->v2.mount)
		return false;
	for (;;) {
		if (join(dir, sizeof(dir), l->v2.mount, p, NULL) < 0)
			return false;
		if (access(dir, F_OK) == 0)
			return access(dir, W_OK) == 0;
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			return false;
		*slash = '\0';
	}
}

int nsb_cgroup_create(const struct nsb_cg_layout *l, const char *path,
                      const struct nsb_oci_resources *res, pid_t pid, bool *ret_made)
{
	int r;

	*ret_made = false;
	if (l->rootless) {
		if (l->mode != NSB_CG_UNIFIED || !v2_writable(l, path)) {
			if (has_limits(res))
				nsb_warn("linux.resources: no cgroup delegated to this user: the "
				         "limits are not applied");
			return 0;
		}
	}
	switch (l->mode) {
	case NSB_CG_NONE:
		if (has_limits(res)) {
			nsb_err("linux.resources: this host has no cgroup filesystem");
			return -EOPNOTSUPP;
		}
		return 0;
	case NSB_CG_UNIFIED:
		r = create_v2(l, path, res, pid, true);
		break;
	case NSB_CG_LEGACY:
	case NSB_CG_HYBRID:
		r = create_v1(l, path, res, pid);
		break;
	default:
		r = -EINVAL;
	}
	if (r >= 0)
		*ret_made = true;
	return r;
}

int nsb_cgroup_enter(const struct nsb_cg_layout *l, const char *path, pid_t pid)
{
	char dir[PATH_MAX];
	int r;

	if (l->mode == NSB_CG_UNIFIED || l->mode == NSB_CG_HYBRID) {
		r = join(dir, sizeof(dir), l->v2.mount, path, NULL);
		if (r >= 0 && access(dir, F_OK) == 0) {
			r = move_pid(dir, pid);
			if (r < 0 && l->mode == NSB_CG_UNIFIED)
				return nsb_log_errno(r, "cannot move pid %d into the cgroup %s",
				                     (int)pid, dir);
		}
	}
	for (size_t i = 0; i < l->n_v1; i++) {
		r = join(dir, sizeof(dir), l->v1[i].mount, path, NULL);
		if (r < 0 || access(dir, F_OK) < 0)
			continue;
		r = move_pid(dir, pid);
		if (r < 0)
			return nsb_log_errno(r, "cannot move pid %d into the cgroup %s", (int)pid,
			                     dir);
	}
	return 0;
}

int nsb_cgroup_update(const struct nsb_cg_layout *l, const char *path,
                      const struct nsb_oci_resources *res)
{
	_cleanup_free_ struct nsb_cg_write *ws = NULL;
	size_t n = 0;
	int r;

	if (l->mode == NSB_CG_UNIFIED) {
		char dir[PATH_MAX];

		r = nsb_cgroup_plan(res, true, &ws, &n);
		if (r < 0)
			return r;
		r = join(dir, sizeof(dir), l->v2.mount, path, NULL);
		for (size_t i = 0; r >= 0 && i < n; i++)
			r = apply_write(dir, &ws[i]);
		if (r >= 0 && res->n_devices) {
			_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			r = dfd < 0 ? -errno
			            : nsb_cgroup_devices_attach(dfd, res->devices, res->n_devices);
			if (r < 0)
				nsb_log_errno(r,
				              "linux.resources.devices: cannot attach the device "
				              "filter to %s",
				              dir);
		}
		return r;
	}
	if (l->mode == NSB_CG_NONE) {
		nsb_err("update: this host has no cgroup filesystem");
		return -EOPNOTSUPP;
	}
	r = nsb_cgroup_plan(res, false, &ws, &n);
	if (r < 0)
		return r;
	return apply_v1(l, path, ws, n);
}

/* --- freezer, pids, kill, destroy ---------------------------------------------------------- */

/* The directory of path in the hierarchy that has ctrl (v1), or in the
 * unified one (ctrl NSB_CG_N_CTRL, or on unified hosts). */
static int dir_for(const struct nsb_cg_layout *l, enum nsb_cg_ctrl ctrl, const char *path,
                   char *buf, size_t size)
{
	const struct nsb_cg_hier *h;

	if (l->mode == NSB_CG_UNIFIED || (ctrl == NSB_CG_N_CTRL && l->v2.mount))
		h = &l->v2;
	else
		h = ctrl == NSB_CG_N_CTRL ? NULL : v1_for(l, ctrl);
	if (!h || !h->mount)
		return -ENOENT;
	if (join(buf, size, h->mount, path, NULL) < 0)
		return -ENAMETOOLONG;
	return access(buf, F_OK) < 0 ? -errno : 0;
}

int nsb_cgroup_freeze(const struct nsb_cg_layout *l, const char *path, bool frozen)
{
	char dir[PATH_MAX], v[64];
	int r;

	if (l->mode == NSB_CG_UNIFIED) {
		r = dir_for(l, NSB_CG_N_CTRL, path, dir, sizeof(dir));
		if (r >= 0)
			r = write_file(dir, "cgroup.freeze", frozen ? "1" : "0");
		if (r < 0)
			return nsb_log_errno(r, "cannot %s the cgroup %s%s",
			                     frozen ? "freeze" : "thaw", l->v2.mount, path);
		for (int i = 0; i < 500; i++) {
			char want[16];

			snprintf(want, sizeof(want), "frozen %d", frozen);
			r = read_file(dir, "cgroup.events", v, sizeof(v));
			if (r < 0)
				return nsb_log_errno(r, "cannot read %s/cgroup.events", dir);
			if (strstr(v, want))
				return 0;
			msleep(10);
		}
		nsb_err("the cgroup %s did not %s within 5 s", dir, frozen ? "freeze" : "thaw");
		return -EBUSY;
	}
	r = dir_for(l, NSB_CG_FREEZER, path, dir, sizeof(dir));
	if (r < 0) {
		nsb_err("this container has no freezer cgroup: pause and resume need one");
		return -ENOENT;
	}
	for (int i = 0; i < 500; i++) {
		/* The kernel may stay in FREEZING while tasks fork: ask again. */
		if (i % 10 == 0) {
			r = write_file(dir, "freezer.state", frozen ? "FROZEN" : "THAWED");
			if (r < 0)
				return nsb_log_errno(r, "cannot write %s/freezer.state", dir);
		}
		r = read_file(dir, "freezer.state", v, sizeof(v));
		if (r < 0)
			return nsb_log_errno(r, "cannot read %s/freezer.state", dir);
		if (strcmp(v, frozen ? "FROZEN" : "THAWED") == 0)
			return 0;
		msleep(10);
	}
	if (frozen)
		write_file(dir, "freezer.state", "THAWED");
	nsb_err("the cgroup %s did not %s within 5 s", dir, frozen ? "freeze" : "thaw");
	return -EBUSY;
}

struct pidset {
	pid_t *v;
	size_t n, cap;
};

static int pids_read(const char *dir, struct pidset *ps, unsigned depth)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	if (join(path, sizeof(path), dir, NULL, "cgroup.procs") < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = nsb_read_all(fd, 16 * 1024 * 1024, &text, NULL);
	if (r < 0)
		return r;
	for (char *s = text; *s;) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s)
			break;
		if (ps->n == ps->cap) {
			size_t nc = ps->cap ? ps->cap * 2 : 64;
			pid_t *nv = realloc(ps->v, nc * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			ps->v = nv;
			ps->cap = nc;
		}
		ps->v[ps->n++] = (pid_t)v;
		s = end;
		while (*s == '\n')
			s++;
	}
	if (depth == 0)
		return 0;
	/* Cgroups the container made below its own. */
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (join(sub, sizeof(sub), dir, de->d_name, NULL) < 0)
			continue;
		r = pids_read(sub, ps, depth - 1);
		if (r < 0 && r != -ENOENT) {
			closedir(d);
			return r;
		}
	}
	closedir(d);
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

static int any_dir(const struct nsb_cg_layout *l, const char *path, char *dir, size_t size)
{
	static const enum nsb_cg_ctrl pref[] = {NSB_CG_PIDS, NSB_CG_FREEZER, NSB_CG_MEMORY,
	                                        NSB_CG_CPU};

	if (l->mode == NSB_CG_UNIFIED)
		return dir_for(l, NSB_CG_N_CTRL, path, dir, size);
	for (size_t i = 0; i < NSB_ELEMENTSOF(pref); i++)
		if (dir_for(l, pref[i], path, dir, size) == 0)
			return 0;
	for (size_t i = 0; i < l->n_v1; i++)
		if (join(dir, size, l->v1[i].mount, path, NULL) == 0 && access(dir, F_OK) == 0)
			return 0;
	return -ENOENT;
}

int nsb_cgroup_pids(const struct nsb_cg_layout *l, const char *path, pid_t **ret, size_t *ret_n)
{
	struct pidset ps = {0};
	char dir[PATH_MAX];
	int r;

	r = any_dir(l, path, dir, sizeof(dir));
	if (r < 0)
		return nsb_log_errno(r, "the cgroup %s", path);
	r = pids_read(dir, &ps, 16);
	if (r < 0) {
		free(ps.v);
		return nsb_log_errno(r, "cannot read the processes of the cgroup %s", dir);
	}
	if (ps.n)
		qsort(ps.v, ps.n, sizeof(*ps.v), cmp_pid);
	*ret = ps.v;
	*ret_n = ps.n;
	return 0;
}

static bool can_freeze(const struct nsb_cg_layout *l, const char *path)
{
	char dir[PATH_MAX];

	return dir_for(l, l->mode == NSB_CG_UNIFIED ? NSB_CG_N_CTRL : NSB_CG_FREEZER, path, dir,
	               sizeof(dir)) == 0;
}

int nsb_cgroup_kill(const struct nsb_cg_layout *l, const char *path, int sig)
{
	_cleanup_free_ pid_t *pids = NULL;
	char dir[PATH_MAX];
	bool frozen = false;
	size_t n = 0;
	int r;

	if (sig == SIGKILL && l->mode == NSB_CG_UNIFIED &&
	    dir_for(l, NSB_CG_N_CTRL, path, dir, sizeof(dir)) == 0 &&
	    write_file(dir, "cgroup.kill", "1") == 0)
		return 0;
	if (can_freeze(l, path))
		frozen = nsb_cgroup_freeze(l, path, true) == 0;
	r = nsb_cgroup_pids(l, path, &pids, &n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = nsb_log_errno(errno, "cannot signal pid %d", (int)pids[i]);
	if (frozen)
		nsb_cgroup_freeze(l, path, false);
	return r;
}

static int rmdir_tree(const char *dir, unsigned depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (depth && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (join(sub, sizeof(sub), dir, de->d_name, NULL) == 0)
			rmdir_tree(sub, depth - 1);
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int nsb_cgroup_destroy(const struct nsb_cg_layout *l, const char *path)
{
	char dirs[NSB_CG_N_CTRL + 2][PATH_MAX];
	size_t n = 0;
	int r = 0;

	if (l->v2.mount && join(dirs[n], PATH_MAX, l->v2.mount, path, NULL) == 0)
		n++;
	for (size_t i = 0; i < l->n_v1 && n < NSB_ELEMENTSOF(dirs); i++)
		if (join(dirs[n], PATH_MAX, l->v1[i].mount, path, NULL) == 0)
			n++;
	for (int attempt = 0; attempt < 100; attempt++) {
		r = 0;
		for (size_t i = 0; i < n; i++) {
			int e = rmdir_tree(dirs[i], 16);

			if (e < 0)
				r = e;
		}
		if (r != -EBUSY)
			break;
		if (attempt == 0)
			nsb_cgroup_kill(l, path, SIGKILL);
		msleep(20);
	}
	if (r < 0)
		return nsb_log_errno(r, "cannot remove the cgroup %s", path);
	return 0;
}
