/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "log.h"
#include "oci/json.h"
#include "util.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#ifdef HAVE_JSON_C
#include <json-c/json.h>

/* json-c suits dlopen: its whole API is exported functions (reference
 * counting happens inside json_object_put; objects are walked with the
 * json_object_iter_* functions, not the json_object_object_foreach macro,
 * which reaches into the structures). */
static typeof(json_tokener_new_ex) *sym_json_tokener_new_ex;
static typeof(json_tokener_free) *sym_json_tokener_free;
static typeof(json_tokener_set_flags) *sym_json_tokener_set_flags;
static typeof(json_tokener_parse_ex) *sym_json_tokener_parse_ex;
static typeof(json_tokener_get_error) *sym_json_tokener_get_error;
static typeof(json_tokener_error_desc) *sym_json_tokener_error_desc;
static typeof(json_tokener_get_parse_end) *sym_json_tokener_get_parse_end;
static typeof(json_object_put) *sym_json_object_put;
static typeof(json_object_get_type) *sym_json_object_get_type;
static typeof(json_object_object_get_ex) *sym_json_object_object_get_ex;
static typeof(json_object_object_length) *sym_json_object_object_length;
static typeof(json_object_array_length) *sym_json_object_array_length;
static typeof(json_object_array_get_idx) *sym_json_object_array_get_idx;
static typeof(json_object_get_string) *sym_json_object_get_string;
static typeof(json_object_get_string_len) *sym_json_object_get_string_len;
static typeof(json_object_get_int64) *sym_json_object_get_int64;
static typeof(json_object_get_uint64) *sym_json_object_get_uint64;
static typeof(json_object_get_boolean) *sym_json_object_get_boolean;
static typeof(json_object_to_json_string_ext) *sym_json_object_to_json_string_ext;
static typeof(json_object_iter_begin) *sym_json_object_iter_begin;
static typeof(json_object_iter_end) *sym_json_object_iter_end;
static typeof(json_object_iter_equal) *sym_json_object_iter_equal;
static typeof(json_object_iter_next) *sym_json_object_iter_next;
static typeof(json_object_iter_peek_name) *sym_json_object_iter_peek_name;
static typeof(json_object_iter_peek_value) *sym_json_object_iter_peek_value;

static const struct nsb_dl_sym json_syms[] = {
        NSB_DL_SYM(json_tokener_new_ex),
        NSB_DL_SYM(json_tokener_free),
        NSB_DL_SYM(json_tokener_set_flags),
        NSB_DL_SYM(json_tokener_parse_ex),
        NSB_DL_SYM(json_tokener_get_error),
        NSB_DL_SYM(json_tokener_error_desc),
        NSB_DL_SYM(json_tokener_get_parse_end),
        NSB_DL_SYM(json_object_put),
        NSB_DL_SYM(json_object_get_type),
        NSB_DL_SYM(json_object_object_get_ex),
        NSB_DL_SYM(json_object_object_length),
        NSB_DL_SYM(json_object_array_length),
        NSB_DL_SYM(json_object_array_get_idx),
        NSB_DL_SYM(json_object_get_string),
        NSB_DL_SYM(json_object_get_string_len),
        NSB_DL_SYM(json_object_get_int64),
        NSB_DL_SYM(json_object_get_uint64),
        NSB_DL_SYM(json_object_get_boolean),
        NSB_DL_SYM(json_object_to_json_string_ext),
        NSB_DL_SYM(json_object_iter_begin),
        NSB_DL_SYM(json_object_iter_end),
        NSB_DL_SYM(json_object_iter_equal),
        NSB_DL_SYM(json_object_iter_next),
        NSB_DL_SYM(json_object_iter_peek_name),
        NSB_DL_SYM(json_object_iter_peek_value),
};

static struct nsb_dl_lib json_lib = NSB_DL_LIB("libjson-c.so.5", "libjson-c5", json_syms);

int nsb_json_lib_load(const char *what)
{
	return nsb_dl_load(&json_lib, what);
}

struct nsb_json_doc {
	struct json_object *root;
};

/* --- checking the text before json-c sees it -------------------------------- */

static void line_col(const char *s, size_t off, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;

	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int text_err(const char *file, const char *s, size_t off, const char *problem)
{
	size_t line, col;

	line_col(s, off, &line, &col);
	nsb_err("%s:%zu:%zu: %s", file, line, col, problem);
	return -EINVAL;
}

/* An integer literal must fit int64 (negative) or uint64 (positive):
 * json-c would clamp it silently. */
static bool integer_fits(const char *s, size_t len)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : UINT64_MAX;

	for (size_t i = neg ? 1 : 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return true;
}

static int prescan(const char *file, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char ch = s[i];

		if (ch == '"') {
			size_t start = i++;

			while (i < len && s[i] != '"') {
				if ((unsigned char)s[i] < 0x20)
					return text_err(
					        file, s, i,
					        "control character in a string (escape it)");
				if (s[i] == '\\')
					i++;
				i++;
			}
			if (i >= len)
				return text_err(file, s, start, "unterminated string");
			i++;
		} else if (ch == '-' || is_digit(ch)) {
			size_t start = i;
			bool integer = true;

			while (i < len && (is_digit(s[i]) || strchr("+-.eE", s[i]))) {
				if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
					integer = false;
				i++;
			}
			if (integer && !integer_fits(s + start, i - start))
				return text_err(file, s, start, "integer out of the 64-bit range");
		} else if (ch >= 'a' && ch <= 'z') {
			size_t start = i;

			while (i < len && s[i] >= 'a' && s[i] <= 'z')
				i++;
			if (!((i - start == 4 && memcmp(s + start, "true", 4) == 0) ||
			      (i - start == 5 && memcmp(s + start, "false", 5) == 0) ||
			      (i - start == 4 && memcmp(s + start, "null", 4) == 0)))
				return text_err(
				        file, s, start,
				        "unexpected word (only true, false and null are JSON)");
		} else if (ch && strchr("{}[]:, \t\n\r", ch)) {
			i++;
		} else if (ch == '\'') {
			return text_err(file, s, i, "single quotes are not JSON (use \")");
		} else {
			return text_err(file, s, i, "unexpected character");
		}
	}
	return 0;
}

int nsb_json_parse(const char *file, const char *text, size_t len, struct nsb_json_doc **ret_doc,
                   struct nsb_jcur *ret_root)
{
	struct json_tokener *tok;
	struct json_object *root;
	struct nsb_json_doc *doc;
	enum json_tokener_error e;
	size_t end;
	int r;

	r = nsb_json_lib_load(file);
	if (r < 0)
		return r;
	if (len > NSB_JSON_MAX_SIZE) {
		nsb_err("%s: larger than %d bytes", file, NSB_JSON_MAX_SIZE);
		return -EINVAL;
	}
	r = prescan(file, text, len);
	if (r < 0)
		return r;
	tok = sym_json_tokener_new_ex(NSB_JSON_MAX_DEPTH);
	if (!tok)
		return nsb_log_errno(ENOMEM, "%s: cannot parse", file);
	sym_json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = sym_json_tokener_parse_ex(tok, text, (int)len);
	e = sym_json_tokener_get_error(tok);
	end = sym_json_tokener_get_parse_end(tok);
	if (!root && e == json_tokener_continue) {
		end = len;
		/* A NUL byte tells the tokener the text is complete. */
		root = sym_json_tokener_parse_ex(tok, "", 1);
		e = sym_json_tokener_get_error(tok);
		if (e != json_tokener_success) {
			sym_json_object_put(root);
			root = NULL;
			if (e == json_tokener_continue)
				e = json_tokener_error_parse_eof;
		}
	}
	if (!root || e != json_tokener_success) {
		const char *desc = sym_json_tokener_error_desc(e);

		sym_json_object_put(root);
		sym_json_tokener_free(tok);
		if (!root && e == json_tokener_success)
			desc = "empty document";
		if (end > len)
			end = len;
		return text_err(file, text, end, desc ? desc : "invalid JSON");
	}
	sym_json_tokener_free(tok);
	if (sym_json_object_get_type(root) != json_type_object) {
		sym_json_object_put(root);
		nsb_err("%s: must be a JSON object ({...})", file);
		return -EINVAL;
	}
	doc = calloc(1, sizeof(*doc));
	if (!doc) {
		sym_json_object_put(root);
		return nsb_log_errno(ENOMEM, "%s: cannot parse", file);
	}
	doc->root = root;
	*ret_doc = doc;
	*ret_root = (struct nsb_jcur){.file = file, .v = root};
	return 0;
}

void nsb_json_doc_free(struct nsb_json_doc *doc)
{
	if (!doc)
		return;
	sym_json_object_put(doc->root);
	free(doc);
}

/* --- values ------------------------------------------------------------------- */

static struct json_object *obj(const struct nsb_jcur *c)
{
	return c->v;
}

enum nsb_jtype nsb_j_type(const struct nsb_jcur *c)
{
	if (!c->v)
		return NSB_JNULL;
	switch (sym_json_object_get_type(obj(c))) {
	case json_type_boolean:
		return NSB_JBOOL;
	case json_type_int:
		return NSB_JINT;
	case json_type_double:
		return NSB_JDOUBLE;
	case json_type_string:
		return NSB_JSTRING;
	case json_type_array:
		return NSB_JARRAY;
	case json_type_object:
		return NSB_JOBJECT;
	default:
		return NSB_JNULL;
	}
}

bool nsb_j_member(const struct nsb_jcur *c, const char *key, struct nsb_jcur *ret)
{
	struct json_object *v = NULL;

	if (nsb_j_type(c) != NSB_JOBJECT || !sym_json_object_object_get_ex(obj(c), key, &v) || !v)
		return false;
	*ret = (struct nsb_jcur){.file = c->file, .v = v, .up = c, .key = key};
	return true;
}

size_t nsb_j_n_members(const struct nsb_jcur *c)
{
	if (nsb_j_type(c) != NSB_JOBJECT)
		return 0;
	return (size_t)sym_json_object_object_length(obj(c));
}

void nsb_j_element(const struct nsb_jcur *c, size_t i, struct nsb_jcur *ret)
{
	struct json_object *v = sym_json_object_array_get_idx(obj(c), i);

	*ret = (struct nsb_jcur){.file = c->file, .v = v, .up = c, .index = i};
}

int nsb_j_array(const struct nsb_jcur *c, size_t max, size_t *ret_n)
{
	size_t n;

	if (nsb_j_type(c) != NSB_JARRAY)
		return nsb_j_err(c, "must be an array");
	n = sym_json_object_array_length(obj(c));
	if (n > max)
		return nsb_j_errp(c, "too many elements: %zu (at most %zu)", n, max);
	*ret_n = n;
	return 0;
}

int nsb_j_string(const struct nsb_jcur *c, const char **ret)
{
	const char *s;

	if (nsb_j_type(c) != NSB_JSTRING)
		return nsb_j_err(c, "must be a string");
	s = sym_json_object_get_string(obj(c));
	if (!s || strlen(s) != (size_t)sym_json_object_get_string_len(obj(c)))
		return nsb_j_err(c, "contains a NUL character");
	*ret = s;
	return 0;
}

int nsb_j_bool(const struct nsb_jcur *c, bool *ret)
{
	if (nsb_j_type(c) != NSB_JBOOL)
		return nsb_j_err(c, "must be true or false");
	*ret = sym_json_object_get_boolean(obj(c));
	return 0;
}

int nsb_j_int(const struct nsb_jcur *c, int64_t min, int64_t max, int64_t *ret)
{
	int64_t v;

	if (nsb_j_type(c) != NSB_JINT)
		goto bad;
	v = sym_json_object_get_int64(obj(c));
	/* json-c keeps integers above INT64_MAX as uint64 and answers
	 * INT64_MAX for them here. */
	if (v == INT64_MAX && sym_json_object_get_uint64(obj(c)) > (uint64_t)INT64_MAX)
		goto bad;
	if (v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	return nsb_j_err(c, "must be an integer from %" PRId64 " to %" PRId64, min, max);
}

int nsb_j_uint(const struct nsb_jcur *c, uint64_t max, uint64_t *ret)
{
	uint64_t v;

	if (nsb_j_type(c) != NSB_JINT || sym_json_object_get_int64(obj(c)) < 0)
		goto bad;
	v = sym_json_object_get_uint64(obj(c));
	if (v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	return nsb_j_err(c, "must be an integer from 0 to %" PRIu64, max);
}

int nsb_j_foreach(const struct nsb_jcur *c,
                  int (*fn)(const char *key, const struct nsb_jcur *val, void *data), void *data)
{
	struct json_object_iterator it, end;

	if (nsb_j_type(c) != NSB_JOBJECT)
		return nsb_j_err(c, "must be an object");
	it = sym_json_object_iter_begin(obj(c));
	end = sym_json_object_iter_end(obj(c));
	while (!sym_json_object_iter_equal(&it, &end)) {
		const char *key = sym_json_object_iter_peek_name(&it);
		struct nsb_jcur v = {
		        .file = c->file,
		        .v = sym_json_object_iter_peek_value(&it),
		        .up = c,
		        .key = key,
		};
		int r = fn(key, &v, data);

		if (r < 0)
			return r;
		sym_json_object_iter_next(&it);
	}
	return 0;
}

static void show_value(const struct nsb_jcur *c, char *buf, size_t size)
{
	const char *s;
	size_t len, o = 0;

	if (!c->v) {
		snprintf(buf, size, "null");
		return;
	}
	if (nsb_j_type(c) == NSB_JSTRING) {
		s = sym_json_object_get_string(obj(c));
		len = (size_t)sym_json_object_get_string_len(obj(c));
	} else {
		s = sym_json_object_to_json_string_ext(
		        obj(c), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		len = s ? strlen(s) : 0;
	}
	for (size_t i = 0; s && i < len && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i == 80) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
}
#else  /* !HAVE_JSON_C */
struct nsb_json_doc {
	int unused;
};

int nsb_json_lib_load(const char *what)
{
	nsb_err("%s: nsbox was built without json-c (Debian package libjson-c-dev)", what);
	return -EOPNOTSUPP;
}

int nsb_json_parse(const char *file, const char *text, size_t len, struct nsb_json_doc **ret_doc,
                   struct nsb_jcur *ret_root)
{
	return nsb_json_lib_load(file);
}

void nsb_json_doc_free(struct nsb_json_doc *doc)
{
}

enum nsb_jtype nsb_j_type(const struct nsb_jcur *c)
{
	return NSB_JNULL;
}

bool nsb_j_member(const struct nsb_jcur *c, const char *key, struct nsb_jcur *ret)
{
	return false;
}

size_t nsb_j_n_members(const struct nsb_jcur *c)
{
	return 0;
}

void nsb_j_element(const struct nsb_jcur *c, size_t i, struct nsb_jcur *ret)
{
	*ret = (struct nsb_jcur){.file = c->file, .up = c, .index = i};
}

int nsb_j_array(const struct nsb_jcur *c, size_t max, size_t *ret_n)
{
	return -EOPNOTSUPP;
}

int nsb_j_string(const struct nsb_jcur *c, const char **ret)
{
	return -EOPNOTSUPP;
}

int nsb_j_bool(const struct nsb_jcur *c, bool *ret)
{
	return -EOPNOTSUPP;
}

int nsb_j_int(const struct nsb_jcur *c, int64_t min, int64_t max, int64_t *ret)
{
	return -EOPNOTSUPP;
}

int nsb_j_uint(const struct nsb_jcur *c, uint64_t max, uint64_t *ret)
{
	return -EOPNOTSUPP;
}

int nsb_j_foreach(const struct nsb_jcur *c,
                  int (*fn)(const char *key, const struct nsb_jcur *val, void *data), void *data)
{
	return -EOPNOTSUPP;
}

static void show_value(const struct nsb_jcur *c, char *buf, size_t size)
{
	snprintf(buf, size, "?");
}
#endif /* HAVE_JSON_C */

void nsb_json_doc_freep(struct nsb_json_doc **doc)
{
	nsb_json_doc_free(*doc);
	*doc = NULL;
}

int nsb_j_object(const struct nsb_jcur *c)
{
	if (nsb_j_type(c) != NSB_JOBJECT)
		return nsb_j_err(c, "must be an object");
	return 0;
}

int nsb_j_strdup(const struct nsb_jcur *c, char **ret)
{
	const char *s;
	char *d;
	int r;

	r = nsb_j_string(c, &s);
	if (r < 0)
		return r;
	d = strdup(s);
	if (!d)
		return nsb_log_errno(ENOMEM, "%s", c->file);
	*ret = d;
	return 0;
}

/* --- messages ----------------------------------------------------------------- */

static bool plain_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || is_digit(*k) ||
		      *k == '_'))
			return false;
	return true;
}

static size_t path_into(const struct nsb_jcur *c, char *buf, size_t size, size_t o)
{
	if (!c || !c->up)
		return o;
	o = path_into(c->up, buf, size, o);
	if (o >= size)
		return o;
	if (!c->key)
		o += (size_t)snprintf(buf + o, size - o, "[%zu]", c->index);
	else if (plain_key(c->key))
		o += (size_t)snprintf(buf + o, size - o, "%s%s", c->up->up ? "." : "", c->key);
	else
		o += (size_t)snprintf(buf + o, size - o, "[\"%s\"]", c->key);
	return o;
}

void nsb_j_path(const struct nsb_jcur *c, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	path_into(c, buf, size, 0);
}

static int j_vlog(const struct nsb_jcur *c, bool with_value, const char *fmt, va_list ap)
{
	char path[512], msg[1024], value[512];

	nsb_j_path(c, path, sizeof(path));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_value) {
		show_value(c, value, sizeof(value));
		if (path[0])
			nsb_err("%s: %s: %s ('%s')", c->file, path, msg, value);
		else
			nsb_err("%s: %s ('%s')", c->file, msg, value);
	} else {
		if (path[0])
			nsb_err("%s: %s: %s", c->file, path, msg);
		else
			nsb_err("%s: %s", c->file, msg);
	}
	return -EINVAL;
}

int nsb_j_err(const struct nsb_jcur *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = j_vlog(c, true, fmt, ap);
	va_end(ap);
	return r;
}

int nsb_j_errp(const struct nsb_jcur *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = j_vlog(c, false, fmt, ap);
	va_end(ap);
	return r;
}

/* --- files -------------------------------------------------------------------- */

int nsb_json_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int flags;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -E2BIG;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		return -errno;
	return nsb_read_all(fd, max, ret, ret_len);
}

/* --- writing ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, surrogates or values past U+10FFFF. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void nsb_json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	putc('"', f);
	while (n > 0) {
		unsigned char ch = *p;
		size_t l;

		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f) {
				fprintf(f, "\\u%04x", ch);
				break;
			}
			l = utf8_len(p, n);
			if (l == 0) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p, 1, l, f);
			p += l;
			n -= l;
			continue;
		}
		p++;
		n--;
	}
	putc('"', f);
}

void nsb_jw_init(struct nsb_jw *w, FILE *f, const char *indent)
{
	*w = (struct nsb_jw){.f = f, .indent = indent};
}

static void jw_newline(struct nsb_jw *w, unsigned depth)
{
	if (!w->indent)
		return;
	putc('\n', w->f);
	for (unsigned i = 0; i < depth; i++)
		fputs(w->indent, w->f);
}

static void jw_item(struct nsb_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->has_items[w->depth])
		putc(',', w->f);
	jw_newline(w, w->depth);
	w->has_items[w->depth] = true;
}

static void jw_open(struct nsb_jw *w, char c)
{
	jw_item(w);
	putc(c, w->f);
	if (w->depth + 1 >= NSB_JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->depth++;
	w->has_items[w->depth] = false;
}

static void jw_close(struct nsb_jw *w, char c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	if (w->has_items[w->depth + 1])
		jw_newline(w, w->depth);
	putc(c, w->f);
}

void nsb_jw_begin_object(struct nsb_jw *w)
{
	jw_open(w, '{');
}

void nsb_jw_end_object(struct nsb_jw *w)
{
	jw_close(w, '}');
}

void nsb_jw_begin_array(struct nsb_jw *w)
{
	jw_open(w, '[');
}

void nsb_jw_end_array(struct nsb_jw *w)
{
	jw_close(w, ']');
}

void nsb_jw_key(struct nsb_jw *w, const char *key)
{
	jw_item(w);
	nsb_json_write_string(w->f, key);
	fputs(w->indent ? ": " : ":", w->f);
	w->after_key = true;
}

void nsb_jw_string(struct nsb_jw *w, const char *s)
{
	jw_item(w);
	nsb_json_write_string(w->f, s);
}

void nsb_jw_int(struct nsb_jw *w, int64_t v)
{
	jw_item(w);
	fprintf(w->f, "%" PRId64, v);
}

void nsb_jw_uint(struct nsb_jw *w, uint64_t v)
{
	jw_item(w);
	fprintf(w->f, "%" PRIu64, v);
}

void nsb_jw_bool(struct nsb_jw *w, bool v)
{
	jw_item(w);
	fputs(v ? "true" : "false", w->f);
}

void nsb_jw_null(struct nsb_jw *w)
{
	jw_item(w);
	fputs("null", w->f);
}

void nsb_jw_raw(struct nsb_jw *w, const char *json)
{
	jw_item(w);
	fputs(json, w->f);
}

void nsb_jw_kstring(struct nsb_jw *w, const char *key, const char *s)
{
	nsb_jw_key(w, key);
	nsb_jw_string(w, s);
}

void nsb_jw_kint(struct nsb_jw *w, const char *key, int64_t v)
{
	nsb_jw_key(w, key);
	nsb_jw_int(w, v);
}

void nsb_jw_kbool(struct nsb_jw *w, const char *key, bool v)
{
	nsb_jw_key(w, key);
	nsb_jw_bool(w, v);
}

int nsb_jw_finish(struct nsb_jw *w)
{
	if (w->indent)
		putc('\n', w->f);
	if (fflush(w->f) != 0 || ferror(w->f) || w->failed || w->depth != 0)
		return -EIO;
	return 0;
}
