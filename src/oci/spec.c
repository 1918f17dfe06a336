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
#include "oci/spec.h"
#include "util.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_RECLAIM 0x02
#define SCHED_FLAG_DL_OVERRUN 0x04
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10
#define SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define SCHED_FLAG_UTIL_CLAMP_MAX 0x40
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define SCHED_ISO_VALUE 4 /* reserved by the kernel, named by the specification */

/* --- small helpers ------------------------------------------------------------ */

static int oom(const struct nsb_jcur *c)
{
	return nsb_log_errno(ENOMEM, "%s", c->file);
}

static int missing(const struct nsb_jcur *obj, const char *key)
{
	return nsb_j_errp(obj, "missing required property '%s'", key);
}

static int need(const struct nsb_jcur *obj, const char *key, struct nsb_jcur *ret)
{
	if (!nsb_j_member(obj, key, ret))
		return missing(obj, key);
	return 0;
}

static void strv_free(struct nsb_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct nsb_strv){0};
}

static void map_free(struct nsb_oci_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	*m = (struct nsb_oci_map){0};
}

/* calloc for n elements of size, n from an array already capped. */
static int alloc_n(const struct nsb_jcur *c, size_t n, size_t size, void *ret)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		return oom(c);
	*(void **)ret = p;
	return 0;
}

static int opt_str(const struct nsb_jcur *obj, const char *key, char **ret)
{
	struct nsb_jcur c;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	return nsb_j_strdup(&c, ret);
}

static int opt_bool(const struct nsb_jcur *obj, const char *key, bool *ret_has, bool *ret)
{
	struct nsb_jcur c;
	int r;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	r = nsb_j_bool(&c, ret);
	if (r >= 0 && ret_has)
		*ret_has = true;
	return r;
}

static int opt_i64(const struct nsb_jcur *obj, const char *key, int64_t min, int64_t max,
                   struct nsb_oci_i64 *ret)
{
	struct nsb_jcur c;
	int r;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	r = nsb_j_int(&c, min, max, &ret->v);
	if (r >= 0)
		ret->set = true;
	return r;
}

static int opt_u64(const struct nsb_jcur *obj, const char *key, uint64_t max,
                   struct nsb_oci_u64 *ret)
{
	struct nsb_jcur c;
	int r;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	r = nsb_j_uint(&c, max, &ret->v);
	if (r >= 0)
		ret->set = true;
	return r;
}

static int req_u32(const struct nsb_jcur *obj, const char *key, uint32_t *ret)
{
	struct nsb_jcur c;
	uint64_t v;
	int r;

	r = need(obj, key, &c);
	if (r < 0)
		return r;
	r = nsb_j_uint(&c, UINT32_MAX, &v);
	if (r >= 0)
		*ret = (uint32_t)v;
	return r;
}

static int check_abs_path(const struct nsb_jcur *c, const char *s)
{
	if (s[0] != '/')
		return nsb_j_err(c, "must be an absolute path");
	if (strlen(s) >= PATH_MAX)
		return nsb_j_errp(c, "longer than %d bytes", PATH_MAX - 1);
	return 0;
}

static int abs_path(const struct nsb_jcur *c, char **ret)
{
	const char *s;
	int r;

	r = nsb_j_string(c, &s);
	if (r < 0)
		return r;
	r = check_abs_path(c, s);
	if (r < 0)
		return r;
	return nsb_j_strdup(c, ret);
}

/* An array of strings; each checked by check (may be NULL). */
static int strv_parse(const struct nsb_jcur *c, int (*check)(const struct nsb_jcur *, const char *),
                      struct nsb_strv *ret)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_ITEMS, &n);
	if (r < 0)
		return r;
	r = alloc_n(c, n + 1, sizeof(char *), &ret->v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_jcur e;
		const char *s;

		nsb_j_element(c, i, &e);
		r = nsb_j_string(&e, &s);
		if (r < 0)
			return r;
		if (check) {
			r = check(&e, s);
			if (r < 0)
				return r;
		}
		ret->v[i] = strdup(s);
		if (!ret->v[i])
			return oom(c);
		ret->n++;
	}
	return 0;
}

static int opt_strv(const struct nsb_jcur *obj, const char *key,
                    int (*check)(const struct nsb_jcur *, const char *), struct nsb_strv *ret)
{
	struct nsb_jcur c;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	return strv_parse(&c, check, ret);
}

typedef int map_check_fn(const struct nsb_jcur *val, const char *key, const char *value,
                         const void *data);

struct map_ctx {
	struct nsb_oci_map *m;
	map_check_fn *check;
	const void *data;
};

static int map_one(const char *key, const struct nsb_jcur *val, void *data)
{
	struct map_ctx *ctx = data;
	struct nsb_oci_kv *kv = &ctx->m->v[ctx->m->n];
	const char *s;
	int r;

	if (!*key)
		return nsb_j_errp(val->up, "empty key");
	r = nsb_j_string(val, &s);
	if (r < 0)
		return r;
	if (ctx->check) {
		r = ctx->check(val, key, s, ctx->data);
		if (r < 0)
			return r;
	}
	kv->key = strdup(key);
	kv->value = strdup(s);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return oom(val);
	}
	ctx->m->n++;
	return 0;
}

/* An object of string values. */
static int map_parse(const struct nsb_jcur *c, map_check_fn *check, const void *data,
                     struct nsb_oci_map *ret)
{
	struct map_ctx ctx = {.m = ret, .check = check, .data = data};
	size_t n;
	int r;

	r = nsb_j_object(c);
	if (r < 0)
		return r;
	n = nsb_j_n_members(c);
	if (n > NSB_OCI_MAX_ITEMS)
		return nsb_j_errp(c, "too many members: %zu (at most %d)", n, NSB_OCI_MAX_ITEMS);
	r = alloc_n(c, n, sizeof(*ret->v), &ret->v);
	if (r < 0)
		return r;
	return nsb_j_foreach(c, map_one, &ctx);
}

/* Look s up in a NULL-terminated name table. */
static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static int enum_parse(const struct nsb_jcur *c, const char *const *names, size_t n,
                      const char *what, int *ret)
{
	const char *s;
	int i, r;

	r = nsb_j_string(c, &s);
	if (r < 0)
		return r;
	i = lookup(names, n, s);
	if (i < 0)
		return nsb_j_err(c, "unknown %s", what);
	*ret = i;
	return 0;
}

/* --- id mappings ------------------------------------------------------------- */

static int idmaps_parse(const struct nsb_jcur *c, struct nsb_oci_idmaps *ret)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_IDMAP, &n);
	if (r < 0)
		return r;
	r = alloc_n(c, n, sizeof(*ret->v), &ret->v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_idmap *m = &ret->v[i];
		struct nsb_jcur e, sz;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = req_u32(&e, "containerID", &m->container_id);
		if (r >= 0)
			r = req_u32(&e, "hostID", &m->host_id);
		if (r >= 0)
			r = req_u32(&e, "size", &m->size);
		if (r < 0)
			return r;
		nsb_j_member(&e, "size", &sz);
		if (m->size == 0)
			return nsb_j_err(&sz, "must be at least 1");
		if ((uint64_t)m->container_id + m->size > (uint64_t)UINT32_MAX + 1 ||
		    (uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1)
			return nsb_j_err(&sz, "the range goes past 4294967295");
		for (size_t k = 0; k < i; k++) {
			const struct nsb_oci_idmap *o = &ret->v[k];

			if (m->container_id < (uint64_t)o->container_id + o->size &&
			    o->container_id < (uint64_t)m->container_id + m->size)
				return nsb_j_errp(&e, "overlaps the container ids of [%zu]", k);
		}
		ret->n++;
	}
	return 0;
}

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
		return oom(c);
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
	r = need(c, "destination", &d);
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
		return oom(c);
	}
	r = opt_str(c, "source", &m->source);
	if (r < 0)
		return r;
	r = opt_str(c, "type", &m->fstype);
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
		r = idmaps_parse(&um, &m->uid_mappings);
		if (r < 0)
			return r;
	}
	if (has_gm) {
		r = idmaps_parse(&gm, &m->gid_mappings);
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
	r = alloc_n(&c, n, sizeof(*s->mounts), &s->mounts);
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
			cap = lookup(cap_names, NSB_ELEMENTSOF(cap_names), s);
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
	r = alloc_n(c, n, sizeof(*p->rlimits), &p->rlimits);
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
			r = need(&e, "type", &t);
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
		r = need(&e, "soft", &soft);
		if (r >= 0)
			r = nsb_j_uint(&soft, UINT64_MAX, &l->soft);
		if (r >= 0)
			r = need(&e, "hard", &hard);
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
		r = alloc_n(&v, n, sizeof(uint32_t), &p->additional_gids);
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
	r = need(c, "policy", &v);
	if (r >= 0)
		r = enum_parse(&v, sched_policy_names, NSB_ELEMENTSOF(sched_policy_names),
		               "scheduling policy", &policy);
	if (r < 0)
		return r;
	if (policy == SCHED_ISO_VALUE)
		return nsb_j_err(&v, "not supported by Linux");
	p->sched_policy = policy; /* the names are in SCHED_* order */
	r = opt_i64(c, "nice", -20, 19, &nice);
	if (r >= 0)
		r = opt_i64(c, "priority", 0, 99, &prio);
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
			r = enum_parse(&e, sched_flag_names, NSB_ELEMENTSOF(sched_flag_names),
			               "scheduler flag", &f);
			if (r >= 0)
				p->sched_flags |= UINT64_C(1) << f;
		}
		if (r < 0)
			return r;
	}
	r = opt_u64(c, "runtime", UINT64_MAX, &x);
	p->sched_runtime = x.v;
	x = (struct nsb_oci_u64){0};
	if (r >= 0)
		r = opt_u64(c, "deadline", UINT64_MAX, &x);
	p->sched_deadline = x.v;
	x = (struct nsb_oci_u64){0};
	if (r >= 0)
		r = opt_u64(c, "period", UINT64_MAX, &x);
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
	r = opt_bool(c, "terminal", NULL, &p->terminal);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "consoleSize", &v)) {
		struct nsb_jcur h, w;
		uint64_t hv, wv;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = need(&v, "height", &h);
		if (r >= 0)
			r = nsb_j_uint(&h, 65535, &hv);
		if (r >= 0)
			r = need(&v, "width", &w);
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
	r = need(c, "args", &v);
	if (r >= 0)
		r = strv_parse(&v, NULL, &p->args);
	if (r < 0)
		return r;
	if (p->args.n == 0)
		return nsb_j_errp(&v, "must not be empty");
	if (!p->args.v[0][0]) {
		struct nsb_jcur e;

		nsb_j_element(&v, 0, &e);
		return nsb_j_err(&e, "the program name must not be empty");
	}
	r = opt_strv(c, "env", env_check, &p->env);
	if (r < 0)
		return r;
	r = need(c, "cwd", &v);
	if (r >= 0)
		r = abs_path(&v, &p->cwd);
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
	r = opt_bool(c, "noNewPrivileges", NULL, &p->no_new_privileges);
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
	r = opt_str(c, "selinuxLabel", &p->selinux_label);
	if (r >= 0)
		r = opt_str(c, "apparmorProfile", &p->apparmor_profile);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "ioPriority", &v)) {
		struct nsb_jcur cl;
		struct nsb_oci_i64 prio = {0};
		int cls;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = need(&v, "class", &cl);
		if (r >= 0)
			r = enum_parse(&cl, ioprio_names, NSB_ELEMENTSOF(ioprio_names),
			               "I/O priority class", &cls);
		if (r >= 0)
			r = opt_i64(&v, "priority", 0, 7, &prio);
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
	strv_free(&p->args);
	strv_free(&p->env);
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
		r = need(c, "path", &v);
	if (r >= 0)
		r = abs_path(&v, &h->path);
	if (r >= 0)
		r = opt_strv(c, "args", NULL, &h->args);
	if (r >= 0 && nsb_j_member(c, "env", &v)) {
		h->has_env = true;
		r = strv_parse(&v, env_check, &h->env);
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
			r = alloc_n(&a, n, sizeof(*hs->v), &hs->v);
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
			r = need(&e, "type", &t);
		if (r >= 0)
			r = enum_parse(&t, ns_names, NSB_OCI_NS_N, "namespace type", &type);
		if (r < 0)
			return r;
		if (l->ns[type].present)
			return nsb_j_err(&t, "namespace type given twice");
		l->ns[type].present = true;
		if (nsb_j_member(&e, "path", &p)) {
			r = abs_path(&p, &l->ns[type].path);
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
			return missing(obj, key);
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
		r = alloc_n(c, n, sizeof(*l->devices), &l->devices);
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
			r = need(&e, "type", &t);
		if (r >= 0)
			r = nsb_j_string(&t, &ts);
		if (r < 0)
			return r;
		if (strlen(ts) != 1 || !strchr("cbup", ts[0]))
			return nsb_j_err(&t, "must be c, b, u or p");
		d->type = ts[0];
		r = need(&e, "path", &v);
		if (r >= 0)
			r = abs_path(&v, &d->path);
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
		r = alloc_n(c, n, sizeof(*res->devices), &res->devices);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_dev_rule *d = &res->devices[i];
		struct nsb_jcur e, v;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = need(&e, "allow", &v);
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
		r = opt_i64(c, "limit", -1, INT64_MAX, &res->memory.limit);
	if (r >= 0)
		r = opt_i64(c, "reservation", -1, INT64_MAX, &res->memory.reservation);
	if (r >= 0)
		r = opt_i64(c, "swap", -1, INT64_MAX, &res->memory.swap);
	if (r >= 0)
		r = opt_i64(c, "kernel", -1, INT64_MAX, &res->memory.kernel);
	if (r >= 0)
		r = opt_i64(c, "kernelTCP", -1, INT64_MAX, &res->memory.kernel_tcp);
	if (r >= 0)
		r = opt_u64(c, "swappiness", 100, &res->memory.swappiness);
	if (r >= 0)
		r = opt_bool(c, "disableOOMKiller", &res->memory.has_disable_oom_killer,
		             &res->memory.disable_oom_killer);
	if (r >= 0)
		r = opt_bool(c, "useHierarchy", &res->memory.has_use_hierarchy,
		             &res->memory.use_hierarchy);
	if (r >= 0)
		r = opt_bool(c, "checkBeforeUpdate", NULL, &res->memory.check_before_update);
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
		r = opt_u64(c, "shares", UINT64_MAX, &res->cpu.shares);
	if (r >= 0)
		r = opt_i64(c, "quota", INT64_MIN, INT64_MAX, &res->cpu.quota);
	if (r >= 0)
		r = opt_u64(c, "burst", UINT64_MAX, &res->cpu.burst);
	if (r >= 0)
		r = opt_u64(c, "period", UINT64_MAX, &res->cpu.period);
	if (r >= 0)
		r = opt_i64(c, "realtimeRuntime", INT64_MIN, INT64_MAX, &res->cpu.realtime_runtime);
	if (r >= 0)
		r = opt_u64(c, "realtimePeriod", UINT64_MAX, &res->cpu.realtime_period);
	if (r >= 0)
		r = opt_i64(c, "idle", 0, 1, &res->cpu.idle);
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
		r = alloc_n(&c, n, sizeof(*ret->v), &ret->v);
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
			r = opt_u64(&e, "weight", 1000, &d->weight);
		if (r >= 0 && weights)
			r = opt_u64(&e, "leafWeight", 1000, &d->leaf_weight);
		if (r >= 0 && !weights)
			r = opt_u64(&e, "rate", UINT64_MAX, &rate);
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
		r = opt_u64(c, "weight", 1000, &res->blkio.weight);
	if (r >= 0)
		r = opt_u64(c, "leafWeight", 1000, &res->blkio.leaf_weight);
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
		r = alloc_n(c, n, sizeof(*res->hugepages), &res->hugepages);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_hugepage *h = &res->hugepages[i];
		struct nsb_jcur e, v;

		nsb_j_element(c, i, &e);
		res->n_hugepages++;
		r = nsb_j_object(&e);
		if (r >= 0)
			r = need(&e, "pageSize", &v);
		if (r >= 0)
			r = nsb_j_strdup(&v, &h->page_size);
		if (r >= 0)
			r = page_size_check(&v, h->page_size);
		if (r >= 0)
			r = need(&e, "limit", &v);
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
		r = opt_u64(c, "classID", UINT32_MAX, &res->network.class_id);
	if (r < 0 || !nsb_j_member(c, "priorities", &v))
		return r;
	r = nsb_j_array(&v, 1024, &n);
	if (r >= 0)
		r = alloc_n(&v, n, sizeof(*res->network.priorities), &res->network.priorities);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_net_prio *p = &res->network.priorities[i];
		struct nsb_jcur e, x;

		nsb_j_element(&v, i, &e);
		res->network.n_priorities++;
		r = nsb_j_object(&e);
		if (r >= 0)
			r = need(&e, "name", &x);
		if (r >= 0)
			r = nsb_j_strdup(&x, &p->name);
		if (r >= 0 && (!p->name[0] || strpbrk(p->name, " \n/")))
			r = nsb_j_err(&x, "not a network interface name");
		if (r >= 0)
			r = req_u32(&e, "priority", &p->priority);
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
		return oom(val);
	res->n_rdma++;
	r = opt_u64(val, "hcaHandles", UINT32_MAX, &d->hca_handles);
	if (r >= 0)
		r = opt_u64(val, "hcaObjects", UINT32_MAX, &d->hca_objects);
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
			r = need(&v, "limit", &lim);
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
		r = alloc_n(&v, n, sizeof(*res->rdma), &res->rdma);
		if (r >= 0)
			r = nsb_j_foreach(&v, rdma_one, res);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "unified", &v)) {
		r = map_parse(&v, unified_check, NULL, &res->unified);
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
	map_free(&res->unified);
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
		r = need(c, "names", &v);
	if (r >= 0)
		r = strv_parse(&v, NULL, &rule->names);
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
	r = need(c, "action", &v);
	if (r >= 0)
		r = enum_parse(&v, sc_action_names, NSB_ELEMENTSOF(sc_action_names),
		               "seccomp action", &act);
	if (r < 0)
		return r;
	rule->action = (enum nsb_oci_sc_action)act;
	r = sc_errno(c, "errnoRet", rule->action, &rule->has_errno_ret, &rule->errno_ret);
	if (r < 0 || !nsb_j_member(c, "args", &args))
		return r;
	r = nsb_j_array(&args, 64, &n);
	if (r >= 0)
		r = alloc_n(&args, n, sizeof(*rule->args), &rule->args);
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
			r = need(&e, "index", &x);
		if (r >= 0)
			r = nsb_j_uint(&x, 5, &idx);
		if (r >= 0)
			r = need(&e, "value", &x);
		if (r >= 0)
			r = nsb_j_uint(&x, UINT64_MAX, &a->value);
		if (r >= 0 && nsb_j_member(&e, "valueTwo", &x))
			r = nsb_j_uint(&x, UINT64_MAX, &a->value_two);
		if (r >= 0)
			r = need(&e, "op", &x);
		if (r >= 0)
			r = enum_parse(&x, sc_op_names, NSB_ELEMENTSOF(sc_op_names),
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
		r = need(c, "defaultAction", &v);
	if (r >= 0)
		r = enum_parse(&v, sc_action_names, NSB_ELEMENTSOF(sc_action_names),
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
		r = opt_strv(c, "architectures", NULL, &sc->architectures);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sc->architectures.n; i++) {
		if (lookup(nsb_oci_seccomp_arch_names, NSB_ELEMENTSOF(nsb_oci_seccomp_arch_names),
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
			r = enum_parse(&e, sc_flag_names, NSB_ELEMENTSOF(sc_flag_names),
			               "seccomp flag", &f);
			if (r >= 0)
				sc->flags |= 1u << f;
		}
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "listenerPath", &v)) {
		r = abs_path(&v, &sc->listener_path);
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
			r = alloc_n(&v, n, sizeof(*sc->syscalls), &sc->syscalls);
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
	strv_free(&sc->architectures);
	free(sc->listener_path);
	free(sc->listener_metadata);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		strv_free(&sc->syscalls[i].names);
		free(sc->syscalls[i].args);
	}
	free(sc->syscalls);
	*sc = (struct nsb_oci_seccomp){0};
}

/* --- linux ----------------------------------------------------------------------------- */

static int abs_check(const struct nsb_jcur *c, const char *s)
{
	return check_abs_path(c, s);
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
			r = opt_i64(&v, "secs", INT64_MIN, INT64_MAX, &secs);
		if (r >= 0)
			r = opt_u64(&v, "nanosecs", 999999999, &ns);
		if (r < 0)
			return r;
		l->has_time_offsets[k] = true;
		l->time_offset_secs[k] = secs.v;
		l->time_offset_nsecs[k] = (uint32_t)ns.v;
	}
	return 0;
}

static int linux_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l)
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
		r = idmaps_parse(&v, &l->uid_mappings);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "gidMappings", &v)) {
		r = idmaps_parse(&v, &l->gid_mappings);
		if (r < 0)
			return r;
	}
	if (nsb_j_member(c, "devices", &v)) {
		r = devices_parse(&v, l);
		if (r < 0)
			return r;
	}
	r = opt_strv(c, "maskedPaths", abs_check, &l->masked_paths);
	if (r >= 0)
		r = opt_strv(c, "readonlyPaths", abs_check, &l->readonly_paths);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "sysctl", &v)) {
		r = map_parse(&v, sysctl_check, l, &l->sysctl);
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
			i = lookup(propagation_names, NSB_ELEMENTSOF(propagation_names), s);
			if (i < 0)
				return nsb_j_err(&v,
				                 "must be private, shared, slave or unbindable");
			l->rootfs_propagation = propagation_values[i];
		}
	}
	r = opt_str(c, "mountLabel", &l->mount_label);
	if (r < 0)
		return r;
	if (nsb_j_member(c, "personality", &v)) {
		struct nsb_jcur d, f;
		size_t n;
		const char *s;

		r = nsb_j_object(&v);
		if (r >= 0)
			r = need(&v, "domain", &d);
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

static void linux_free(struct nsb_oci_linux *l)
{
	for (int i = 0; i < NSB_OCI_NS_N; i++)
		free(l->ns[i].path);
	free(l->uid_mappings.v);
	free(l->gid_mappings.v);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	strv_free(&l->masked_paths);
	strv_free(&l->readonly_paths);
	map_free(&l->sysctl);
	seccomp_free(&l->seccomp);
	nsb_oci_resources_free(&l->resources);
	free(l->cgroups_path);
	free(l->mount_label);
	*l = (struct nsb_oci_linux){0};
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

	r = need(root, "ociVersion", &v);
	if (r >= 0)
		r = nsb_j_strdup(&v, &s->oci_version);
	if (r >= 0)
		r = version_check(&v, s->oci_version);
	if (r < 0)
		return r;
	r = need(root, "root", &v);
	if (r >= 0)
		r = nsb_j_object(&v);
	if (r < 0)
		return r;
	{
		struct nsb_jcur p;

		r = need(&v, "path", &p);
		if (r >= 0)
			r = nsb_j_strdup(&p, &s->root_path);
		if (r >= 0 && !s->root_path[0])
			r = nsb_j_err(&p, "must not be empty");
		if (r >= 0)
			r = opt_bool(&v, "readonly", NULL, &s->root_readonly);
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
	r = opt_str(root, "hostname", &s->hostname);
	if (r >= 0)
		r = opt_str(root, "domainname", &s->domainname);
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
		r = map_parse(&v, NULL, NULL, &s->annotations);
		if (r < 0)
			return r;
	}
	r = hooks_parse(root, s);
	if (r < 0)
		return r;
	if (nsb_j_member(root, "linux", &v)) {
		r = linux_parse(&v, &s->linux_);
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
	map_free(&s->annotations);
	for (int k = 0; k < NSB_OCI_HOOK_N_KINDS; k++) {
		for (size_t i = 0; i < s->hooks[k].n; i++) {
			free(s->hooks[k].v[i].path);
			strv_free(&s->hooks[k].v[i].args);
			strv_free(&s->hooks[k].v[i].env);
		}
		free(s->hooks[k].v);
	}
	linux_free(&s->linux_);
	*s = (struct nsb_oci_spec){0};
}

int nsb_oci_spec_check_host(const struct nsb_oci_spec *s)
{
	if (s->process.apparmor_profile && s->process.apparmor_profile[0] &&
	    access("/sys/kernel/security/apparmor", F_OK) < 0) {
		nsb_err("config.json: process.apparmorProfile: AppArmor is not enabled on this "
		        "host ('%s')",
		        s->process.apparmor_profile);
		return -EOPNOTSUPP;
	}
	return 0;
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
