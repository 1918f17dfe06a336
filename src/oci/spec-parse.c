/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oci/spec-parse.h"
#include "oci/spec.h"
#include "util.h"

/* --- small helpers ------------------------------------------------------------ */

int nsb_sp_oom(const struct nsb_jcur *c)
{
	return nsb_log_errno(ENOMEM, "%s", c->file);
}

int nsb_sp_missing(const struct nsb_jcur *obj, const char *key)
{
	return nsb_j_errp(obj, "missing required property '%s'", key);
}

int nsb_sp_need(const struct nsb_jcur *obj, const char *key, struct nsb_jcur *ret)
{
	if (!nsb_j_member(obj, key, ret))
		return nsb_sp_missing(obj, key);
	return 0;
}

void nsb_sp_strv_free(struct nsb_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct nsb_strv){0};
}

void nsb_sp_map_free(struct nsb_oci_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	*m = (struct nsb_oci_map){0};
}

/* calloc for n elements of size, n from an array already capped. */
int nsb_sp_alloc_n(const struct nsb_jcur *c, size_t n, size_t size, void *ret)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		return nsb_sp_oom(c);
	*(void **)ret = p;
	return 0;
}

int nsb_sp_opt_str(const struct nsb_jcur *obj, const char *key, char **ret)
{
	struct nsb_jcur c;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	return nsb_j_strdup(&c, ret);
}

int nsb_sp_opt_bool(const struct nsb_jcur *obj, const char *key, bool *ret_has, bool *ret)
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

int nsb_sp_opt_i64(const struct nsb_jcur *obj, const char *key, int64_t min, int64_t max,
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

int nsb_sp_opt_u64(const struct nsb_jcur *obj, const char *key, uint64_t max,
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

int nsb_sp_req_u32(const struct nsb_jcur *obj, const char *key, uint32_t *ret)
{
	struct nsb_jcur c;
	uint64_t v;
	int r;

	r = nsb_sp_need(obj, key, &c);
	if (r < 0)
		return r;
	r = nsb_j_uint(&c, UINT32_MAX, &v);
	if (r >= 0)
		*ret = (uint32_t)v;
	return r;
}

int nsb_sp_check_abs_path(const struct nsb_jcur *c, const char *s)
{
	if (s[0] != '/')
		return nsb_j_err(c, "must be an absolute path");
	if (strlen(s) >= PATH_MAX)
		return nsb_j_errp(c, "longer than %d bytes", PATH_MAX - 1);
	return 0;
}

int nsb_sp_abs_path(const struct nsb_jcur *c, char **ret)
{
	const char *s;
	int r;

	r = nsb_j_string(c, &s);
	if (r < 0)
		return r;
	r = nsb_sp_check_abs_path(c, s);
	if (r < 0)
		return r;
	return nsb_j_strdup(c, ret);
}

/* An array of strings; each checked by check (may be NULL). */
int nsb_sp_strv_parse(const struct nsb_jcur *c, int (*check)(const struct nsb_jcur *, const char *),
                      struct nsb_strv *ret)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_ITEMS, &n);
	if (r < 0)
		return r;
	r = nsb_sp_alloc_n(c, n + 1, sizeof(char *), &ret->v);
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
			return nsb_sp_oom(c);
		ret->n++;
	}
	return 0;
}

int nsb_sp_opt_strv(const struct nsb_jcur *obj, const char *key,
                    int (*check)(const struct nsb_jcur *, const char *), struct nsb_strv *ret)
{
	struct nsb_jcur c;

	if (!nsb_j_member(obj, key, &c))
		return 0;
	return nsb_sp_strv_parse(&c, check, ret);
}

struct map_ctx {
	struct nsb_oci_map *m;
	nsb_sp_map_check_fn *check;
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
		return nsb_sp_oom(val);
	}
	ctx->m->n++;
	return 0;
}

/* An object of string values. */
int nsb_sp_map_parse(const struct nsb_jcur *c, nsb_sp_map_check_fn *check, const void *data,
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
	r = nsb_sp_alloc_n(c, n, sizeof(*ret->v), &ret->v);
	if (r < 0)
		return r;
	return nsb_j_foreach(c, map_one, &ctx);
}

/* Look s up in a NULL-terminated name table. */
int nsb_sp_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int nsb_sp_enum_parse(const struct nsb_jcur *c, const char *const *names, size_t n,
                      const char *what, int *ret)
{
	const char *s;
	int i, r;

	r = nsb_j_string(c, &s);
	if (r < 0)
		return r;
	i = nsb_sp_lookup(names, n, s);
	if (i < 0)
		return nsb_j_err(c, "unknown %s", what);
	*ret = i;
	return 0;
}

/* --- id mappings ------------------------------------------------------------- */

int nsb_sp_idmaps_parse(const struct nsb_jcur *c, struct nsb_oci_idmaps *ret)
{
	size_t n;
	int r;

	r = nsb_j_array(c, NSB_OCI_MAX_IDMAP, &n);
	if (r < 0)
		return r;
	r = nsb_sp_alloc_n(c, n, sizeof(*ret->v), &ret->v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct nsb_oci_idmap *m = &ret->v[i];
		struct nsb_jcur e, sz;

		nsb_j_element(c, i, &e);
		r = nsb_j_object(&e);
		if (r >= 0)
			r = nsb_sp_req_u32(&e, "containerID", &m->container_id);
		if (r >= 0)
			r = nsb_sp_req_u32(&e, "hostID", &m->host_id);
		if (r >= 0)
			r = nsb_sp_req_u32(&e, "size", &m->size);
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
