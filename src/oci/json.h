/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON for the OCI face: reading with json-c, writing with a small builder.
 *
 * Reading. json-c is dlopen'ed on first use (dl.h): nsbox's own launches do
 * not map it. nsb_json_parse() first scans the text itself (json-c accepts
 * single quotes, raw control characters in strings, NaN, and clamps integers
 * that do not fit 64 bits; JSON does not), then parses it with a json_tokener
 * in strict mode with UTF-8 validation and a depth cap. Errors name the
 * place as "<file>:<line>:<column>: <problem>".
 *
 * Values are reached through cursors (struct nsb_jcur) that remember how
 * they were reached, so that every error names the JSON path and the value:
 *     config.json: mounts[3].options[1]: unknown mount option ('foo')
 * Cursors live on the stack and borrow from the document; no allocation.
 * A member whose value is null counts as absent (as Go's decoder, which
 * runc and podman use, treats it).
 *
 * Writing. struct nsb_jw prints JSON to a FILE, compact or indented, with
 * strings escaped (invalid UTF-8 becomes U+FFFD). No json-c needed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits on untrusted input: bytes, nesting depth. */
#define NSB_JSON_MAX_SIZE (16 * 1024 * 1024)
#define NSB_JSON_MAX_DEPTH 32

struct nsb_json_doc;

struct nsb_jcur {
	const char *file;          /* for messages, e.g. "config.json" */
	void *v;                   /* the json_object; NULL only for an absent value */
	const struct nsb_jcur *up; /* NULL at the root */
	const char *key;           /* member name in up, or NULL for up[index] */
	size_t index;
};

enum nsb_jtype {
	NSB_JNULL,
	NSB_JBOOL,
	NSB_JINT,
	NSB_JDOUBLE,
	NSB_JSTRING,
	NSB_JARRAY,
	NSB_JOBJECT,
};

/* Load json-c for what (a command or file, for the message): 0 or
 * -EOPNOTSUPP, logged; also when nsbox was built without json-c. */
int nsb_json_lib_load(const char *what);

/* Parse len bytes of text (file names it in messages). The top-level value
 * must be an object. 0 and *ret_doc (free with nsb_json_doc_free) and
 * *ret_root, or -EINVAL / -ENOMEM / -EOPNOTSUPP after logging one message. */
int nsb_json_parse(const char *file, const char *text, size_t len, struct nsb_json_doc **ret_doc,
                   struct nsb_jcur *ret_root);
void nsb_json_doc_free(struct nsb_json_doc *doc);
void nsb_json_doc_freep(struct nsb_json_doc **doc);

/* Read a regular file (relative to dirfd) of at most max bytes into a
 * NUL-terminated buffer. FIFOs, devices and directories are refused without
 * blocking. 0 or -errno, not logged. */
int nsb_json_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Reading values. Each checker logs one message and returns -EINVAL when
 * the value has the wrong type or range; *ret is only set on success. */
enum nsb_jtype nsb_j_type(const struct nsb_jcur *c);
int nsb_j_object(const struct nsb_jcur *c);
/* Member key of object c (c must be an object): true and *ret, or false
 * when absent or null. */
bool nsb_j_member(const struct nsb_jcur *c, const char *key, struct nsb_jcur *ret);
/* An array of at most max elements: its length. */
int nsb_j_array(const struct nsb_jcur *c, size_t max, size_t *ret_n);
void nsb_j_element(const struct nsb_jcur *c, size_t i, struct nsb_jcur *ret);
/* A string without NUL bytes; *ret borrows from the document. */
int nsb_j_string(const struct nsb_jcur *c, const char **ret);
int nsb_j_strdup(const struct nsb_jcur *c, char **ret);
int nsb_j_bool(const struct nsb_jcur *c, bool *ret);
/* Integers (not 1.0, not "1") within [min, max]. */
int nsb_j_int(const struct nsb_jcur *c, int64_t min, int64_t max, int64_t *ret);
int nsb_j_uint(const struct nsb_jcur *c, uint64_t max, uint64_t *ret);
/* Call fn for every member of object c, in document order; stops at and
 * returns the first negative result. */
int nsb_j_foreach(const struct nsb_jcur *c,
                  int (*fn)(const char *key, const struct nsb_jcur *val, void *data), void *data);
size_t nsb_j_n_members(const struct nsb_jcur *c);

/* Log "<file>: <path>: <message> ('<value>')" and return -EINVAL; the
 * value is shown raw for strings, as JSON otherwise, cut at 80 bytes. */
int nsb_j_err(const struct nsb_jcur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same without the value: "<file>: <path>: <message>". */
int nsb_j_errp(const struct nsb_jcur *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* The path of c ("process.user.uid", "mounts[3]", "" at the root) into buf. */
void nsb_j_path(const struct nsb_jcur *c, char *buf, size_t size);

/* --- writing --------------------------------------------------------------- */

#define NSB_JW_MAX_DEPTH 16

struct nsb_jw {
	FILE *f;
	const char *indent; /* NULL: compact output on one line */
	unsigned depth;
	bool has_items[NSB_JW_MAX_DEPTH];
	bool after_key;
	bool failed; /* misuse (depth) or a write error */
};

void nsb_jw_init(struct nsb_jw *w, FILE *f, const char *indent);
void nsb_jw_begin_object(struct nsb_jw *w);
void nsb_jw_end_object(struct nsb_jw *w);
void nsb_jw_begin_array(struct nsb_jw *w);
void nsb_jw_end_array(struct nsb_jw *w);
void nsb_jw_key(struct nsb_jw *w, const char *key);
void nsb_jw_string(struct nsb_jw *w, const char *s);
void nsb_jw_int(struct nsb_jw *w, int64_t v);
void nsb_jw_uint(struct nsb_jw *w, uint64_t v);
void nsb_jw_bool(struct nsb_jw *w, bool v);
void nsb_jw_null(struct nsb_jw *w);
/* Already-serialized JSON (one value), written as it is. */
void nsb_jw_raw(struct nsb_jw *w, const char *json);
/* key + value shorthands */
void nsb_jw_kstring(struct nsb_jw *w, const char *key, const char *s);
void nsb_jw_kint(struct nsb_jw *w, const char *key, int64_t v);
void nsb_jw_kbool(struct nsb_jw *w, const char *key, bool v);
/* End the document (a newline when indented) and flush: 0 or -EIO. */
int nsb_jw_finish(struct nsb_jw *w);

/* Write s as a JSON string (with quotes) to f. */
void nsb_json_write_string(FILE *f, const char *s);
