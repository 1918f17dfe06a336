/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What spec.c, spec-linux.c and spec-parse.c share: checked readers of
 * config.json values that log "config.json: <path>: ..." (json.h), and
 * the linux section. Private to src/oci/spec*.c. Each returns 0 or a
 * negative errno after logging once; an absent optional member leaves
 * *ret alone. */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>

#include "oci/json.h"
#include "oci/spec.h"

/* Constants the specification names that older headers may lack. */
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

int nsb_sp_oom(const struct nsb_jcur *c);
/* "missing required property 'key'" at obj. */
int nsb_sp_missing(const struct nsb_jcur *obj, const char *key);
int nsb_sp_need(const struct nsb_jcur *obj, const char *key, struct nsb_jcur *ret);
void nsb_sp_strv_free(struct nsb_strv *s);
void nsb_sp_map_free(struct nsb_oci_map *m);
/* calloc(n or 1, size) into *(void **)ret. */
int nsb_sp_alloc_n(const struct nsb_jcur *c, size_t n, size_t size, void *ret);
int nsb_sp_opt_str(const struct nsb_jcur *obj, const char *key, char **ret);
int nsb_sp_opt_bool(const struct nsb_jcur *obj, const char *key, bool *ret_has, bool *ret);
int nsb_sp_opt_i64(const struct nsb_jcur *obj, const char *key, int64_t min, int64_t max,
                   struct nsb_oci_i64 *ret);
int nsb_sp_opt_u64(const struct nsb_jcur *obj, const char *key, uint64_t max,
                   struct nsb_oci_u64 *ret);
int nsb_sp_req_u32(const struct nsb_jcur *obj, const char *key, uint32_t *ret);
int nsb_sp_check_abs_path(const struct nsb_jcur *c, const char *s);
int nsb_sp_abs_path(const struct nsb_jcur *c, char **ret);
/* An array of strings (NULL-terminated in *ret), each checked by check. */
int nsb_sp_strv_parse(const struct nsb_jcur *c, int (*check)(const struct nsb_jcur *, const char *),
                      struct nsb_strv *ret);
int nsb_sp_opt_strv(const struct nsb_jcur *obj, const char *key,
                    int (*check)(const struct nsb_jcur *, const char *), struct nsb_strv *ret);
/* An object of string values; check may refuse a member. */
typedef int nsb_sp_map_check_fn(const struct nsb_jcur *val, const char *key, const char *value,
                                const void *data);
int nsb_sp_map_parse(const struct nsb_jcur *c, nsb_sp_map_check_fn *check, const void *data,
                     struct nsb_oci_map *ret);
/* Index of s in names (n entries, NULL ones skipped), or -1. */
int nsb_sp_lookup(const char *const *names, size_t n, const char *s);
int nsb_sp_enum_parse(const struct nsb_jcur *c, const char *const *names, size_t n,
                      const char *what, int *ret);
int nsb_sp_idmaps_parse(const struct nsb_jcur *c, struct nsb_oci_idmaps *ret);

/* linux (spec-linux.c) */
int nsb_sp_linux_parse(const struct nsb_jcur *c, struct nsb_oci_linux *l);
void nsb_sp_linux_free(struct nsb_oci_linux *l);
