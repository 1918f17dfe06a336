/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
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
#include "util.h"

/* --- linux: namespaces, devices, sysctl ------------------------------------------- */

static const char *const ns_names[NSB_OCI_NS_N] = {
        [NSB_OCI_NS_MOUNT] = "mount",     [NSB_OCI_NS_PID] = "pid",
        [NSB_OCI_NS_NETWORK] = "network", [NSB_OCI_NS_UTS] = "uts",
        [NSB_OCI_NS_IPC] = "ipc",         [NSB_OCI_NS_USER] = "user",
        [NSB_OCI_NS_CGROUP] = "cgroup",   [NSB_OCI_NS_TIME] = "time",
};

const char *nsb_oci_ns_name(enum nsb_oci_ns ns)
{
	return (unsigned)ns < NSB_OCI_NS_N ? ns_names[ns] : NULL;
}

static int namespaces_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l)
{
	size_t n;
	int r;

	r = nsb_j_array(c, 64, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_jcur e, t, p;
		int type;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "type", &t);
		if (r >= 0)
			r = nsb_sp_enum_parse(&t, ns_names, NSB_OCI_NS_N, "namespace type", &type);
		if (r < 0)
			return r;
		if (l->ns[type].present)
			return nsb_j_err(&t, "namespace type given twice");
		l->ns[type].present = true;
		if (nsb_j_member(&e, "path", &p)) {
			r = nsb_sp_abs_path(&p, &l->ns[type].path);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int dev_number(const struct nsb_jcur *obj, const char *key, bool required, int64_t *ret)
{
	struct nsb_jcur v;

	if (!nsb_j_member(obj, key, &v)) {
		if (required)
			return nsb_sp_missing(obj, key);
		return 0;
	}
	return nsb_j_int(&v, 0, UINT32_MAX, ret);
}

static int devices_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_ITEMS, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(c, n, sizeof(*l->devices), &l->devices);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_device *d = &l->devices[i];
		struct nsb_jcur e, t, v;
		const char *ts;

		nsb_j_element(c, i, &e);
		l->n_devices++;
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "type", &t);
		if (r >= 0)
			r = nsb_j_string(&t, &ts);
		if (r < 0)
			return r;
		if (strlen(ts) != 1 || !strchr("cbup", ts[0]))
			return nsb_j_err(&t, "must be c, b, u or p");
		d->type = ts[0];
		r = nsb_sp_need(&e, "path", &v);
		if (r >= 0)
			r = nsb_sp_abs_path(&v, &d->path);
		if (r >= 0)
			r = dev_number(&e, "major", d->type != 'p', &d->major);
		if (r >= 0)
			r = dev_number(&e, "minor", d->type != 'p', &d->minor);
		if (r < 0)
			return r;
		if (nsb_j_member(&e, "fileMode", &v)) {
			uint64_t m;

			/* Podman passes st_mode, file type bits included:
			 * only the permission bits are used. */
			r = nsb_j_uint(&v, UINT32_MAX, &m);
			if (r < 0)
				return r;
			d->has_file_mode = true;
			d->file_mode = (mode_t)(m & 0777);
		}
		if (nsb_j_member(&e, "uid", &v)) {
			uint64_t x;

			r = nsb_j_uint(&v, UINT32_MAX - 1, &x);
			if (r < 0)
				return r;
			d->has_uid = true;
			d->uid = (uint32_t)x;
		}
		if (nsb_j_member(&e, "gid", &v)) {
			uint64_t x;

			r = nsb_j_uint(&v, UINT32_MAX - 1, &x);
			if (r < 0)
				return r;
			d->has_gid = true;
			d->gid = (uint32_t)x;
		}
	}
	return 0;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The namespace that owns a sysctl, or -1 if it belongs to the host. */
static int sysctl_namespace(const char *key)
{
	static const char *const ipc[] = {
	        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	char k[256];
	size_t i;

	snprintf(k, sizeof(k), "%s", key);
	for (i = 0; k[i]; i++)
		if (k[i] == '/')
			k[i] = '.';
	for (i = 0; i < NSB_ELEMENTSOF(ipc); i++)
		if (strcmp(k, ipc[i]) == 0)
			return NSB_OCI_NS_IPC;
	if (has_prefix(k, "fs.mqueue."))
		return NSB_OCI_NS_IPC;
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
		return NSB_OCI_NS_UTS;
	if (has_prefix(k, "net."))
		return NSB_OCI_NS_NETWORK;
	return -1;
}

static int sysctl_check(const struct nsb_jcur *val, const char *key, const char *value,
                        const void *data)
{
	const struct nsb_oci_linux *l = data;
	size_t len = strlen(key);
	int ns;

	if (len > 200)
		return nsb_j_errp(val, "name longer than 200 bytes");
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-./", *p)))
			return nsb_j_errp(val, "not a sysctl name");
	if (key[0] == '.' || key[0] == '/' || key[len - 1] == '.' || key[len - 1] == '/' ||
	    strstr(key, "..") || strstr(key, "//") || strstr(key, "/.") || strstr(key, "./"))
		return nsb_j_errp(val, "not a sysctl name");
	ns = sysctl_namespace(key);
	if (ns < 0)
		return nsb_j_errp(val, "not namespaced: it would change the host");
	/* A namespace joined by path is fine (podman joins the network
	 * namespace it made); phase 2 refuses the host's own. */
	if (!l->ns[ns].present)
		return nsb_j_errp(val, "needs a %s namespace in linux.namespaces", ns_names[ns]);
	if (strchr(value, '\n'))
		return nsb_j_err(val, "must be one line");
	return 0;
}

/* --- resources ------------------------------------------------------------------- */

static int dev_rules_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_ITEMS, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(c, n, sizeof(*res->devices), &res->devices);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_dev_rule *d = &res->devices[i];
		struct nsb_jcur e, v;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "allow", &v);
		if (r >= 0)
			r = nsb_j_bool(&v, &d->allow);
		if (r < 0)
			return r;
		d->type = 'a';
		if (nsb_j_member(&e, "type", &v)) {
			const char *t;

			r = nsb_j_string(&v, &t);
			if (r < 0)
				return r;
			if (strlen(t) != 1 || !strchr("acb", t[0]))
				return nsb_j_err(&v, "must be a, c or b");
			d->type = t[0];
		}
		d->major = d->minor = -1;
		if (nsb_j_member(&e, "major", &v)) {
			r = nsb_j_int(&v, -1, UINT32_MAX, &d->major);
			if (r < 0)
				return r;
		}
		if (nsb_j_member(&e, "minor", &v)) {
			r = nsb_j_int(&v, -1, UINT32_MAX, &d->minor);
			if (r < 0)
				return r;
		}
		d->access = NSB_OCI_DEV_READ | NSB_OCI_DEV_WRITE | NSB_OCI_DEV_MKNOD;
		if (nsb_j_member(&e, "access", &v)) {
			const char *a;

			r = nsb_j_string(&v, &a);
			if (r < 0)
				return r;
			d->access = 0;
			for (const char *p = a; *p; p++) {
				unsigned bit = *p == 'r'   ? NSB_OCI_DEV_READ
				               : *p == 'w' ? NSB_OCI_DEV_WRITE
				               : *p == 'm' ? NSB_OCI_DEV_MKNOD
				                           : 0;

				if (!bit || (d->access & bit))
					return nsb_j_err(&v, "must be letters of rwm, each once");
				d->access |= bit;
			}
			if (!d->access)
				return nsb_j_err(&v, "must be letters of rwm, each once");
		}
		res->n_devices++;
	}
	return 0;
}

static int memory_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	int r;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "limit", -1, INT64_MAX, &res->memory.limit);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "reservation", -1, INT64_MAX, &res->memory.reservation);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "swap", -1, INT64_MAX, &res->memory.swap);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "kernel", -1, INT64_MAX, &res->memory.kernel);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "kernelTCP", -1, INT64_MAX, &res->memory.kernel_tcp);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "swappiness", 100, &res->memory.swappiness);
	if (r >= 0)
		r = nsb_sp_opt_bool(c, "disableOOMKiller", &res->memory.has_disable_oom_killer,
		                    &res->memory.disable_oom_killer);
	if (r >= 0)
		r = nsb_sp_opt_bool(c, "useHierarchy", &res->memory.has_use_hierarchy,
		                    &res->memory.use_hierarchy);
	if (r >= 0)
		r = nsb_sp_opt_bool(c, "checkBeforeUpdate", NULL, &res->memory.check_before_update);
	if (r < 0)
		return r;
	if (res->memory.limit.set && res->memory.swap.set && res->memory.limit.v > 0 &&
	    res->memory.swap.v > 0 && res->memory.swap.v < res->memory.limit.v) {
		struct nsb_jcur v;

		nsb_j_member(c, "swap", &v);
		return nsb_j_err(&v, "memory+swap must not be below the memory limit (%" PRId64 ")",
		                 res->memory.limit.v);
	}
	return 0;
}

static int cpuset_check(const struct nsb_jcur *c, const char *s)
{
	/* "0-3,5,7-8": digits, commas and dashes. */
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == '-'))
			return nsb_j_err(c, "must be a list like 0-3,5");
	return 0;
}

static int cpu_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "shares", UINT64_MAX, &res->cpu.shares);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "quota", INT64_MIN, INT64_MAX, &res->cpu.quota);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "burst", UINT64_MAX, &res->cpu.burst);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "period", UINT64_MAX, &res->cpu.period);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "realtimeRuntime", INT64_MIN, INT64_MAX,
		                   &res->cpu.realtime_runtime);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "realtimePeriod", UINT64_MAX, &res->cpu.realtime_period);
	if (r >= 0)
		r = nsb_sp_opt_i64(c, "idle", 0, 1, &res->cpu.idle);
	if (r >= 0 && nsb_j_member(c, "cpus", &v)) {
		r = nsb_j_strdup(&v, &res->cpu.cpus);
		if (r >= 0)
			r = cpuset_check(&v, res->cpu.cpus);
	}
	if (r >= 0 && nsb_j_member(c, "mems", &v)) {
		r = nsb_j_strdup(&v, &res->cpu.mems);
		if (r >= 0)
			r = cpuset_check(&v, res->cpu.mems);
	}
	return r;
}

static int blkio_devs_parse(const struct nsb_jcur *obj, const char *key, bool weights,
                            struct nsb_oci_blkio_devs *ret)
{
	struct nsb_jcur c;
	size_t n;
	int r;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	r = nsb_j_array(&c, 1024, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(&c, n, sizeof(*ret->v), &ret->v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_blkio_dev *d = &ret->v[i];
		struct nsb_jcur e;
		struct nsb_oci_u64 rate = {0};

		nsb_j_element(&c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = dev_number(&e, "major", true, &d->major);
		if (r >= 0)
			r = dev_number(&e, "minor", true, &d->minor);
		if (r >= 0 && weights)
			r = nsb_sp_opt_u64(&e, "weight", 1000, &d->weight);
		if (r >= 0 && weights)
			r = nsb_sp_opt_u64(&e, "leafWeight", 1000, &d->leaf_weight);
		if (r >= 0 && !weights)
			r = nsb_sp_opt_u64(&e, "rate", UINT64_MAX, &rate);
		if (r < 0)
			return r;
		d->rate = rate.v;
		ret->n++;
	}
	return 0;
}

static int blkio_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	int r;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "weight", 1000, &res->blkio.weight);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "leafWeight", 1000, &res->blkio.leaf_weight);
	if (r >= 0)
		r = blkio_devs_parse(c, "weightDevice", true, &res->blkio.weight_device);
	if (r >= 0)
		r = blkio_devs_parse(c, "throttleReadBpsDevice", false,
		                     &res->blkio.throttle_read_bps);
	if (r >= 0)
		r = blkio_devs_parse(c, "throttleWriteBpsDevice", false,
		                     &res->blkio.throttle_write_bps);
	if (r >= 0)
		r = blkio_devs_parse(c, "throttleReadIOPSDevice", false,
		                     &res->blkio.throttle_read_iops);
	if (r >= 0)
		r = blkio_devs_parse(c, "throttleWriteIOPSDevice", false,
		                     &res->blkio.throttle_write_iops);
	return r;
}

static int page_size_check(const struct nsb_jcur *c, const char *s)
{
	size_t n = strlen(s), i = 0;

	if (n < 3 || n > 16 || s[0] < '1' || s[0] > '9')
		goto bad;
	while (i < n - 2 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i != n - 2 || !strchr("KMG", s[n - 2]) || s[n - 1] != 'B')
		goto bad;
	return 0;
bad:
	return nsb_j_err(c, "must be a size like 2MB or 1GB");
}

static int hugepages_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	size_t n;
	int r;

	r = nsb_j_array(c, 64, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(c, n, sizeof(*res->hugepages), &res->hugepages);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_hugepage *h = &res->hugepages[i];
		struct nsb_jcur e, v;

		nsb_j_element(c, i, &e);
		res->n_hugepages++;
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "pageSize", &v);
		if (r >= 0)
			r = nsb_j_strdup(&v, &h->page_size);
		if (r >= 0)
			r = page_size_check(&v, h->page_size);
		if (r >= 0)
			r = nsb_sp_need(&e, "limit", &v);
		if (r >= 0)
			r = nsb_j_uint(&v, UINT64_MAX, &h->limit);
		if (r < 0)
			return r;
	}
	return 0;
}

static int network_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	struct nsb_jcur v;
	size_t n;
	int r;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_opt_u64(c, "classID", UINT32_MAX, &res->network.class_id);
	if (r < 0 || !nsb_j_member(c, "priorities", &v))
		return r;
	r = nsb_j_array(&v, 1024, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(&v, n, sizeof(*res->network.priorities),
		                   &res->network.priorities);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_net_prio *p = &res->network.priorities[i];
		struct nsb_jcur e, x;

		nsb_j_element(&v, i, &e);
		res->network.n_priorities++;
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "name", &x);
		if (r >= 0)
			r = nsb_j_strdup(&x, &p->name);
		if (r >= 0 && (!p->name[0] || strpbrk(p->name, " \n/")))
			r = nsb_j_err(&x, "not a network interface name");
		if (r >= 0)
			r = nsb_sp_req_u32(&e, "priority", &p->priority);
		if (r < 0)
			return r;
	}
	return 0;
}

struct rdma_ctx {
	struct nsb_oci_resources *res;
};

static int rdma_one(const char *key, const struct nsb_jcur *val, void *data)
{
	struct nsb_oci_resources *res = data;
	struct nsb_oci_rdma *d = &res->rdma[res->n_rdma];
	int r;

	if (!*key || strpbrk(key, " \n"))
		return nsb_j_errp(val, "not an RDMA device name");
	r = nsb_j_object(val);
	if (r < 0)
		return r;
	d->device = strdup(key);
	if (!d->device)
		return nsb_sp_oom(val);
	res->n_rdma++;
	r = nsb_sp_opt_u64(val, "hcaHandles", UINT32_MAX, &d->hca_handles);
	if (r >= 0)
		r = nsb_sp_opt_u64(val, "hcaObjects", UINT32_MAX, &d->hca_objects);
	return r;
}

static int unified_check(const struct nsb_jcur *val, const char *key, const char *value,
                         const void *data)
{
	/* A file name of the container's own cgroup directory. */
	if (strchr(key, '/') || key[0] == '.' || !strchr(key, '.'))
		return nsb_j_errp(val, "not a cgroup file name");
	if (strncmp(key, "cgroup.", 7) == 0 && strcmp(key, "cgroup.max.depth") != 0 &&
	    strcmp(key, "cgroup.max.descendants") != 0)
		return nsb_j_errp(val, "cannot be set through linux.resources.unified");
	return 0;
}

static int resources_parse(const struct nsb_jcur *c, struct nsb_oci_resources *res)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	res->present = true;
	if (nsb_j_member(c, "devices", &v)) {
		r = dev_rules_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "memory", &v)) {
		r = memory_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "cpu", &v)) {
		r = cpu_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "pids", &v)) {
		struct nsb_jcur lim;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = nsb_sp_need(&v, "limit", &lim);
		if (r >= 0)
			r = nsb_j_int(&lim, INT64_MIN, INT64_MAX, &res->pids_limit.v);
		if (r < 0)
			return r;
		res->pids_limit.set = true;
	}
	if (nsb_j_member(c, "blockIO", &v)) {
		r = blkio_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "hugepageLimits", &v)) {
		r = hugepages_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "network", &v)) {
		r = network_parse(&v, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "rdma", &v)) {
		size_t n;

		r = nsb_j_object(&v);
		if (r < 0)
			return r;
		n = nsb_j_n_members(&v);
		if (n > 64)
			return nsb_j_errp(&v, "too many devices (at most 64)");
		r = nsb_sp_alloc_n(&v, n, sizeof(*res->rdma), &res->rdma);
		if (r >= 0)
			r = nsb_j_foreach(&v, rdma_one, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "unified", &v)) {
		r = nsb_sp_map_parse(&v, unified_check, NULL, &res->unified);
		if (r < 0)
			return r;
	}
	return 0;
}

void nsb_oci_resources_free(struct nsb_oci_resources *res)
{
	free(res->devices);
	free(res->cpu.cpus);
	free(res->cpu.mems);
	free(res->blkio.weight_device.v);
	free(res->blkio.throttle_read_bps.v);
	free(res->blkio.throttle_write_bps.v);
	free(res->blkio.throttle_read_iops.v);
	free(res->blkio.throttle_write_iops.v);
	for (size_t i = 0; i < res->n_hugepages; i++)
		free(res->hugepages[i].page_size);
	free(res->hugepages);
	for (size_t i = 0; i < res->network.n_priorities; i++)
		free(res->network.priorities[i].name);
	free(res->network.priorities);
	for (size_t i = 0; i < res->n_rdma; i++)
		free(res->rdma[i].device);
	free(res->rdma);
	nsb_sp_map_free(&res->unified);
	*res = (struct nsb_oci_resources){0};
}

/* --- seccomp ------------------------------------------------------------------------ */

static const char *const sc_action_names[] = {
        [NSB_OCI_SC_KILL] = "SCMP_ACT_KILL",
        [NSB_OCI_SC_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [NSB_OCI_SC_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [NSB_OCI_SC_TRAP] = "SCMP_ACT_TRAP",
        [NSB_OCI_SC_ERRNO] = "SCMP_ACT_ERRNO",
        [NSB_OCI_SC_TRACE] = "SCMP_ACT_TRACE",
        [NSB_OCI_SC_ALLOW] = "SCMP_ACT_ALLOW",
        [NSB_OCI_SC_LOG] = "SCMP_ACT_LOG",
        [NSB_OCI_SC_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const sc_op_names[] = {
        [NSB_OCI_SC_NE] = "SCMP_CMP_NE",
        [NSB_OCI_SC_LT] = "SCMP_CMP_LT",
        [NSB_OCI_SC_LE] = "SCMP_CMP_LE",
        [NSB_OCI_SC_EQ] = "SCMP_CMP_EQ",
        [NSB_OCI_SC_GE] = "SCMP_CMP_GE",
        [NSB_OCI_SC_GT] = "SCMP_CMP_GT",
        [NSB_OCI_SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const sc_flag_names[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

const char *const nsb_oci_seccomp_arch_names[] = {
        "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
        "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
        "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL,
};

const char *nsb_oci_sc_action_name(enum nsb_oci_sc_action a)
{
	return (unsigned)a < NSB_ELEMENTSOF(sc_action_names) ? sc_action_names[a] : NULL;
}

const char *nsb_oci_sc_op_name(enum nsb_oci_sc_op op)
{
	return (unsigned)op < NSB_ELEMENTSOF(sc_op_names) ? sc_op_names[op] : NULL;
}

const char *nsb_oci_sc_flag_name(unsigned bit)
{
	return bit < NSB_ELEMENTSOF(sc_flag_names) ? sc_flag_names[bit] : NULL;
}

static bool action_takes_errno(enum nsb_oci_sc_action a)
{
	return a == NSB_OCI_SC_ERRNO || a == NSB_OCI_SC_TRACE;
}

static int sc_errno(const struct nsb_jcur *obj, const char *key, enum nsb_oci_sc_action a,
                    bool *has, uint32_t *ret)
{
	struct nsb_jcur v;
	uint64_t x;
	int r;

	if (!nsb_j_member(obj, key, &v))
		return 0;
	r = nsb_j_uint(&v, UINT32_MAX, &x);
	if (r < 0)
		return r;
	if (!action_takes_errno(a))
		return nsb_j_err(&v, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value");
	/* SECCOMP_RET_DATA is 16 bits; errno values are far below. */
	if (a == NSB_OCI_SC_ERRNO && x > 4095)
		return nsb_j_err(&v, "must be an errno value from 0 to 4095");
	if (a == NSB_OCI_SC_TRACE && x > 65535)
		return nsb_j_err(&v, "must be from 0 to 65535");
	*has = true;
	*ret = (uint32_t)x;
	return 0;
}

static int sc_rule_parse(const struct nsb_jcur *c, struct nsb_oci_sc_rule *rule)
{
	struct nsb_jcur v, args;
	int act, r;
	size_t n;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_need(c, "names", &v);
	if (r >= 0)
		r = nsb_sp_strv_parse(&v, NULL, &rule->names);
	if (r < 0)
		return r;
	if (rule->names.n == 0)
		return nsb_j_errp(&v, "must not be empty");
	for (size_t i = 0; i < rule->names.n; i++) {
		if (!rule->names.v[i][0]) {
			struct nsb_jcur e;

			nsb_j_element(&v, i, &e);
			return nsb_j_err(&e, "must not be empty");
		}
	}
	r = nsb_sp_need(c, "action", &v);
	if (r >= 0)
		r = nsb_sp_enum_parse(&v, sc_action_names, NSB_ELEMENTSOF(sc_action_names),
		                      "seccomp action", &act);
	if (r < 0)
		return r;
	rule->action = (enum nsb_oci_sc_action)act;
	r = sc_errno(c, "errnoRet", rule->action, &rule->has_errno_ret, &rule->errno_ret);
	if (r < 0 || !nsb_j_member(c, "args", &args))
		return r;
	r = nsb_j_array(&args, 64, &n);
	if (r >= 0)
		r = nsb_sp_alloc_n(&args, n, sizeof(*rule->args), &rule->args);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_sc_arg *a = &rule->args[i];
		struct nsb_jcur e, x;
		uint64_t idx;
		int op;

		nsb_j_element(&args, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_need(&e, "index", &x);
		if (r >= 0)
			r = nsb_j_uint(&x, 5, &idx);
		if (r >= 0)
			r = nsb_sp_need(&e, "value", &x);
		if (r >= 0)
			r = nsb_j_uint(&x, UINT64_MAX, &a->value);
		if (r >= 0 && nsb_j_member(&e, "valueTwo", &x))
			r = nsb_j_uint(&x, UINT64_MAX, &a->value_two);
		if (r >= 0)
			r = nsb_sp_need(&e, "op", &x);
		if (r >= 0)
			r = nsb_sp_enum_parse(&x, sc_op_names, NSB_ELEMENTSOF(sc_op_names),
			                      "seccomp operator", &op);
		if (r < 0)
			return r;
		a->index = (unsigned)idx;
		a->op = (enum nsb_oci_sc_op)op;
		rule->n_args++;
	}
	return 0;
}

static int seccomp_parse(const struct nsb_jcur *c, struct nsb_oci_seccomp *sc)
{
	struct nsb_jcur v;
	bool notify = false;
	int act, r;
	size_t n;

	r = nsb_j_object(c);
	if (r >= 0)
		r = nsb_sp_need(c, "defaultAction", &v);
	if (r >= 0)
		r = nsb_sp_enum_parse(&v, sc_action_names, NSB_ELEMENTSOF(sc_action_names),
		                      "seccomp action", &act);
	if (r < 0)
		return r;
	sc->present = true;
	sc->default_action = (enum nsb_oci_sc_action)act;
	/* The runtime itself makes calls between installing the filter and
	 * exec, which an agent could not answer for (runc refuses it too). */
	if (sc->default_action == NSB_OCI_SC_NOTIFY)
		return nsb_j_err(&v, "SCMP_ACT_NOTIFY cannot be the default action");
	r = sc_errno(c, "defaultErrnoRet", sc->default_action, &sc->has_default_errno_ret,
	             &sc->default_errno_ret);
	if (r >= 0)
		r = nsb_sp_opt_strv(c, "architectures", NULL, &sc->architectures);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sc->architectures.n; i++) {
		if (nsb_sp_lookup(nsb_oci_seccomp_arch_names,
		                  NSB_ELEMENTSOF(nsb_oci_seccomp_arch_names),
		                  sc->architectures.v[i]) < 0) {
			struct nsb_jcur a, e;

			nsb_j_member(c, "architectures", &a);
			nsb_j_element(&a, i, &e);
			return nsb_j_err(&e, "unknown architecture");
		}
	}
	if (nsb_j_member(c, "flags", &v)) {
		r = nsb_j_array(&v, 16, &n);
		for (size_t i = 0; r >= 0 && i < n; i++) {
			struct nsb_jcur e;
			int f;

			nsb_j_element(&v, i, &e);
			r = nsb_sp_enum_parse(&e, sc_flag_names, NSB_ELEMENTSOF(sc_flag_names),
			                      "seccomp flag", &f);
			if (r >= 0)
				sc->flags |= 1u << f;
		}
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "listenerPath", &v)) {
		r = nsb_sp_abs_path(&v, &sc->listener_path);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "listenerMetadata", &v)) {
		r = nsb_j_strdup(&v, &sc->listener_metadata);
		if (r < 0)
			return r;
		if (!sc->listener_path)
			return nsb_j_errp(&v, "only valid with listenerPath");
	}
	if (nsb_j_member(c, "syscalls", &v)) {
		r = nsb_j_array(&v, NSB_OCI_MAX_ITEMS, &n);
		if (r >= 0)
			r = nsb_sp_alloc_n(&v, n, sizeof(*sc->syscalls), &sc->syscalls);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			struct nsb_jcur e;

			nsb_j_element(&v, i, &e);
			sc->n_syscalls++;
			r = sc_rule_parse(&e, &sc->syscalls[i]);
			if (r < 0)
				return r;
			if (sc->syscalls[i].action == NSB_OCI_SC_NOTIFY)
				notify = true;
		}
	}
	if (notify && !sc->listener_path)
		return nsb_j_errp(c, "SCMP_ACT_NOTIFY needs a listenerPath");
	return 0;
}

static void seccomp_free(struct nsb_oci_seccomp *sc)
{
	nsb_sp_strv_free(&sc->architectures);
	free(sc->listener_path);
	free(sc->listener_metadata);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		nsb_sp_strv_free(&sc->syscalls[i].names);
		free(sc->syscalls[i].args);
	}
	free(sc->syscalls);
	*sc = (struct nsb_oci_seccomp){0};
}

/* --- linux ----------------------------------------------------------------------------- */

static int abs_check(const struct nsb_jcur *c, const char *s)
{
	return nsb_sp_check_abs_path(c, s);
}

static const char *const propagation_names[] = {
        "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
};
static const unsigned long propagation_values[] = {
        MS_PRIVATE, MS_PRIVATE | MS_REC, MS_SHARED,     MS_SHARED | MS_REC,
        MS_SLAVE,   MS_SLAVE | MS_REC,   MS_UNBINDABLE, MS_UNBINDABLE | MS_REC,
};

static int time_offsets_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l)
{
	static const char *const clocks[2] = {"boottime", "monotonic"};
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	for (int k = 0; k < 2; k++) {
		struct nsb_jcur v;
		struct nsb_oci_i64 secs = {0};
		struct nsb_oci_u64 ns = {0};

		if (!nsb_j_member(c, clocks[k], &v))
			continue;
		r = nsb_j_object(&v);
		if (r >= 0)
			r = nsb_sp_opt_i64(&v, "secs", INT64_MIN, INT64_MAX, &secs);
		if (r >= 0)
			r = nsb_sp_opt_u64(&v, "nanosecs", 999999999, &ns);
		if (r < 0)
			return r;
		l->has_time_offsets[k] = true;
		l->time_offset_secs[k] = secs.v;
		l->time_offset_nsecs[k] = (uint32_t)ns.v;
	}
	return 0;
}

int nsb_sp_linux_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l)
{
	struct nsb_jcur v;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "namespaces", &v)) {
		r = namespaces_parse(&v, l);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "uidMappings", &v)) {
		r = nsb_sp_idmaps_parse(&v, &l->uid_mappings);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "gidMappings", &v)) {
		r = nsb_sp_idmaps_parse(&v, &l->gid_mappings);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "devices", &v)) {
		r = devices_parse(&v, l);
		if (r < 0)
			return r;
	}
	r = nsb_sp_opt_strv(c, "maskedPaths", abs_check, &l->masked_paths);
	if (r >= 0)
		r = nsb_sp_opt_strv(c, "readonlyPaths", abs_check, &l->readonly_paths);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "sysctl", &v)) {
		r = nsb_sp_map_parse(&v, sysctl_check, l, &l->sysctl);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "seccomp", &v)) {
		r = seccomp_parse(&v, &l->seccomp);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "resources", &v)) {
		r = resources_parse(&v, &l->resources);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "cgroupsPath", &v)) {
		r = nsb_j_strdup(&v, &l->cgroups_path);
		if (r < 0)
			return r;
		if (strlen(l->cgroups_path) >= PATH_MAX)
			return nsb_j_errp(&v, "longer than %d bytes", PATH_MAX - 1);
	}
	if (nsb_j_member(c, "rootfsPropagation", &v)) {
		const char *s;
		int i;

		r = nsb_j_string(&v, &s);
		if (r < 0)
			return r;
		if (*s) {
			i = nsb_sp_lookup(propagation_names, NSB_ELEMENTSOF(propagation_names), s);
			if (i < 0)
				return nsb_j_err(&v,
				                 "must be private, shared, slave or unbindable");
			l->rootfs_propagation = propagation_values[i];
		}
	}
	r = nsb_sp_opt_str(c, "mountLabel", &l->mount_label);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "personality", &v)) {
		struct nsb_jcur d, f;
		size_t n;
		const char *s;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = nsb_sp_need(&v, "domain", &d);
		if (r >= 0)
			r = nsb_j_string(&d, &s);
		if (r < 0)
			return r;
		if (strcmp(s, "LINUX") == 0)
			l->personality = PER_LINUX;
		else if (strcmp(s, "LINUX32") == 0)
			l->personality = PER_LINUX32;
		else
			return nsb_j_err(&d, "must be LINUX or LINUX32");
		l->has_personality = true;
		if (nsb_j_member(&v, "flags", &f)) {
			r = nsb_j_array(&f, 64, &n);
			if (r < 0)
				return r;
			if (n > 0)
				return nsb_j_errp(&f, "not supported");
		}
	}
	if (nsb_j_member(c, "timeOffsets", &v)) {
		r = time_offsets_parse(&v, l);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "intelRdt", &v))
		return nsb_j_errp(&v, "not supported");
	if (nsb_j_member(c, "memoryPolicy", &v))
		return nsb_j_errp(&v, "not supported");
	if (nsb_j_member(c, "netDevices", &v) && nsb_j_n_members(&v) > 0)
		return nsb_j_errp(&v, "not supported");
	return 0;
}

void nsb_sp_linux_free(struct nsb_oci_linux *l)
{
	for (int i = 0; i < NSB_OCI_NS_N; i++)
		free(l->ns[i].path);
	free(l->uid_mappings.v);
	free(l->gid_mappings.v);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	nsb_sp_strv_free(&l->masked_paths);
	nsb_sp_strv_free(&l->readonly_paths);
	nsb_sp_map_free(&l->sysctl);
	seccomp_free(&l->seccomp);
	nsb_oci_resources_free(&l->resources);
	free(l->cgroups_path);
	free(l->mount_label);
	*l = (struct nsb_oci_linux){0};
}

int nsb_oci_resources_parse(const char *file, const char *text, size_t len,
                            struct nsb_oci_resources *ret)
{
	_cleanup_(nsb_json_doc_freep) struct nsb_json_doc *doc = NULL;
	struct nsb_jcur root;
	int r;

	*ret = (struct nsb_oci_resources){0};
	r = nsb_json_parse(file, text, len, &doc, &root);
	if (r < 0)
		return r;
	r = resources_parse(&root, ret);
	if (r < 0)
		nsb_oci_resources_free(ret);
	return r;
}
