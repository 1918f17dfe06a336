/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbox-oci's JSON: what the text check refuses before json-c (with
 * line:column), the typed readers and the JSON paths in their messages,
 * and the writer (layout, escaping). */
#include <check.h>
#include <errno.h>
#include <stdint.h>

#include "oci-harness.h"
#include "oci/json.h"

static struct nsb_json_doc *doc;
static struct nsb_jcur root;

static int parse(const char *text)
{
	nsb_json_doc_freep(&doc);
	reset_log();
	return nsb_json_parse("t.json", text, strlen(text), &doc, &root);
}

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	nsb_json_doc_freep(&doc);
	oci_teardown();
}

struct bad {
	const char *text, *msg;
};

START_TEST(test_text_refused)
{
	static const struct bad cases[] = {
	        {"{'a': 1}", "nsbox-oci: t.json:1:2: single quotes are not JSON (use \")\n"},
	        {"{\"a\": \"x\ty\"}", "nsbox-oci: t.json:1:9: control character in a string "
	                              "(escape it)\n"},
	        {"{\"a\":\n  NaN}", "nsbox-oci: t.json:2:3: unexpected character\n"},
	        {"{\"a\": nan}",
	         "nsbox-oci: t.json:1:7: unexpected word (only true, false and null "
	         "are JSON)\n"},
	        {"{\"a\": 18446744073709551616}",
	         "nsbox-oci: t.json:1:7: integer out of the 64-bit "
	         "range\n"},
	        {"{\"a\": -9223372036854775809}",
	         "nsbox-oci: t.json:1:7: integer out of the 64-bit "
	         "range\n"},
	        {"{\"a\": \"open", "nsbox-oci: t.json:1:7: unterminated string\n"},
	        {"{\"a\": 1} x",
	         "nsbox-oci: t.json:1:10: unexpected word (only true, false and null "
	         "are JSON)\n"},
	        {"{\"a\": 1} 2", "nsbox-oci: t.json:1:10: unexpected character\n"},
	        {"{\"a\": 1,}", "nsbox-oci: t.json:1:9: unexpected character\n"},
	        {"{\"a\": 1", "nsbox-oci: t.json:1:8: unexpected end of data\n"},
	        {"", "nsbox-oci: t.json:1:1: unexpected end of data\n"},
	        {"[1]", "nsbox-oci: t.json: must be a JSON object ({...})\n"},
	        {"{\"a\": \"\xff\"}", "nsbox-oci: t.json:1:8: invalid utf-8 string\n"},
	        {"{\"a\": 01}", "nsbox-oci: t.json:1:9: number expected\n"},
	        {"\t{\n\"a\": @}", "nsbox-oci: t.json:2:6: unexpected character\n"},
	};

	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse(cases[i].text) == -EINVAL, "accepted: %s", cases[i].text);
		if (strcmp(logged(), cases[i].msg) != 0) {
			fprintf(stderr, "case %zu: got %s", i, logged());
			bad++;
		}
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_limits)
{
	char *deep = malloc(2 * 40 + 16), *big;
	size_t o = 0;

	o += (size_t)sprintf(deep + o, "{\"a\":");
	for (int i = 0; i < 40; i++)
		deep[o++] = '[';
	for (int i = 0; i < 40; i++)
		deep[o++] = ']';
	sprintf(deep + o, "}");
	ck_assert_int_eq(parse(deep), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json:1:37: nesting too deep\n");
	free(deep);

	big = malloc(NSB_JSON_MAX_SIZE + 2);
	memset(big, ' ', NSB_JSON_MAX_SIZE + 1);
	big[0] = '{';
	big[NSB_JSON_MAX_SIZE] = '}';
	big[NSB_JSON_MAX_SIZE + 1] = '\0';
	ck_assert_int_eq(parse(big), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: larger than 16777216 bytes\n");
	free(big);
}
END_TEST

START_TEST(test_readers)
{
	struct nsb_jcur a, b, e, v;
	const char *s;
	int64_t i;
	uint64_t u;
	bool t;
	size_t n;

	ck_assert_int_eq(
	        parse("{\"a\": {\"b\": [1, -2, 1.0, \"x\", true, null, 18446744073709551615,"
	              " \"n\\u0000ul\"]}, \"k.v\": {\"odd key\": 3}, \"z\": null}"),
	        0);
	ck_assert(nsb_j_member(&root, "a", &a));
	ck_assert(!nsb_j_member(&root, "z", &v));
	ck_assert(!nsb_j_member(&root, "missing", &v));
	ck_assert(nsb_j_member(&a, "b", &b));
	ck_assert_int_eq(nsb_j_array(&b, 100, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(nsb_j_array(&b, 7, &n), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b: too many elements: 8 (at most 7)\n");

	nsb_j_element(&b, 0, &e);
	ck_assert_int_eq(nsb_j_int(&e, 0, 10, &i), 0);
	ck_assert_int_eq(i, 1);
	nsb_j_element(&b, 1, &e);
	reset_log();
	ck_assert_int_eq(nsb_j_uint(&e, 100, &u), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b[1]: must be an integer from 0 to 100 "
	                           "('-2')\n");
	nsb_j_element(&b, 2, &e);
	reset_log();
	ck_assert_int_eq(nsb_j_int(&e, 0, 10, &i), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b[2]: must be an integer from 0 to 10 "
	                           "('1.0')\n");
	nsb_j_element(&b, 3, &e);
	reset_log();
	ck_assert_int_eq(nsb_j_bool(&e, &t), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b[3]: must be true or false ('x')\n");
	nsb_j_element(&b, 4, &e);
	ck_assert_int_eq(nsb_j_bool(&e, &t), 0);
	ck_assert(t);
	reset_log();
	ck_assert_int_eq(nsb_j_string(&e, &s), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b[4]: must be a string ('true')\n");
	nsb_j_element(&b, 6, &e);
	ck_assert_int_eq(nsb_j_uint(&e, UINT64_MAX, &u), 0);
	ck_assert(u == UINT64_MAX);
	reset_log();
	ck_assert_int_eq(nsb_j_int(&e, INT64_MIN, INT64_MAX, &i), -EINVAL);
	nsb_j_element(&b, 7, &e);
	reset_log();
	ck_assert_int_eq(nsb_j_string(&e, &s), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: a.b[7]: contains a NUL character "
	                           "('n\\x00ul')\n");

	ck_assert(nsb_j_member(&root, "k.v", &a));
	ck_assert(nsb_j_member(&a, "odd key", &v));
	reset_log();
	ck_assert_int_eq(nsb_j_object(&v), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: [\"k.v\"][\"odd key\"]: must be an object "
	                           "('3')\n");
	reset_log();
	ck_assert_int_eq(nsb_j_errp(&root, "at the top"), -EINVAL);
	ck_assert_str_eq(logged(), "nsbox-oci: t.json: at the top\n");
}
END_TEST

static int count_member(const char *key, const struct nsb_jcur *val, void *data)
{
	char **order = data;
	char *n;

	ck_assert_int_ge(asprintf(&n, "%s%s,", *order, key), 0);
	free(*order);
	*order = n;
	return strcmp(key, "stop") == 0 ? -E2BIG : 0;
}

START_TEST(test_foreach_order)
{
	char *order = strdup("");

	ck_assert_int_eq(parse("{\"z\": 1, \"a\": 2, \"m\": 3}"), 0);
	ck_assert_int_eq(nsb_j_foreach(&root, count_member, &order), 0);
	ck_assert_str_eq(order, "z,a,m,");
	free(order);
	order = strdup("");
	ck_assert_int_eq(parse("{\"b\": 1, \"stop\": 2, \"c\": 3}"), 0);
	ck_assert_int_eq(nsb_j_foreach(&root, count_member, &order), -E2BIG);
	ck_assert_str_eq(order, "b,stop,");
	free(order);
}
END_TEST

static char *write_doc(const char *indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct nsb_jw w;

	nsb_jw_init(&w, f, indent);
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "s", "q\"b\\n\n\t\x01\x7f\xc3\xa9\xff\xe2\x82");
	nsb_jw_kint(&w, "i", -5);
	nsb_jw_key(&w, "u");
	nsb_jw_uint(&w, UINT64_MAX);
	nsb_jw_kbool(&w, "b", false);
	nsb_jw_key(&w, "n");
	nsb_jw_null(&w);
	nsb_jw_key(&w, "e");
	nsb_jw_begin_array(&w);
	nsb_jw_end_array(&w);
	nsb_jw_key(&w, "o");
	nsb_jw_begin_object(&w);
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "a");
	nsb_jw_begin_array(&w);
	nsb_jw_int(&w, 1);
	nsb_jw_raw(&w, "{\"r\":1}");
	nsb_jw_end_array(&w);
	nsb_jw_end_object(&w);
	ck_assert_int_eq(nsb_jw_finish(&w), 0);
	fclose(f);
	return buf;
}

START_TEST(test_writer)
{
	char *c = write_doc(NULL), *p = write_doc("  ");

	ck_assert_str_eq(c,
	                 "{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\xc3\xa9\\ufffd\\ufffd\\ufffd\","
	                 "\"i\":-5,\"u\":18446744073709551615,\"b\":false,\"n\":null,\"e\":[],"
	                 "\"o\":{},\"a\":[1,{\"r\":1}]}");
	ck_assert_str_eq(p, "{\n  \"s\": \"q\\\"b\\\\n\\n\\t\\u0001\\u007f\xc3\xa9\\ufffd\\ufffd"
	                    "\\ufffd\",\n  \"i\": -5,\n  \"u\": 18446744073709551615,\n"
	                    "  \"b\": false,\n  \"n\": null,\n  \"e\": [],\n  \"o\": {},\n"
	                    "  \"a\": [\n    1,\n    {\"r\":1}\n  ]\n}\n");
	/* What the writer makes, the reader takes back. */
	ck_assert_int_eq(parse(c), 0);
	ck_assert_int_eq(parse(p), 0);
	free(c);
	free(p);
}
END_TEST

START_TEST(test_writer_misuse)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct nsb_jw w;

	nsb_jw_init(&w, f, NULL);
	nsb_jw_end_object(&w);
	ck_assert_int_eq(nsb_jw_finish(&w), -EIO);
	nsb_jw_init(&w, f, NULL);
	for (int i = 0; i < NSB_JW_MAX_DEPTH + 2; i++)
		nsb_jw_begin_array(&w);
	ck_assert_int_eq(nsb_jw_finish(&w), -EIO);
	fclose(f);
	free(buf);
}
END_TEST

START_TEST(test_read_file)
{
	char *path, *text = NULL;
	size_t len;

	path = write_scratch("c.json", "{}", 0644);
	ck_assert_int_eq(nsb_json_read_file(AT_FDCWD, path, 100, &text, &len), 0);
	ck_assert_str_eq(text, "{}");
	free(text);
	ck_assert_int_eq(nsb_json_read_file(AT_FDCWD, path, 1, &text, &len), -E2BIG);
	ck_assert_int_eq(nsb_json_read_file(AT_FDCWD, scratch, 100, &text, &len), -EISDIR);
	free(path);
	path = fmt("%s/fifo", scratch);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* A FIFO must not block the reader. */
	ck_assert_int_eq(nsb_json_read_file(AT_FDCWD, path, 100, &text, &len), -EINVAL);
	ck_assert_int_eq(nsb_json_read_file(AT_FDCWD, "/dev/null", 100, &text, &len), -EINVAL);
	free(path);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("oci_json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text_refused);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_readers);
	tcase_add_test(tc, test_foreach_order);
	tcase_add_test(tc, test_writer);
	tcase_add_test(tc, test_writer_misuse);
	tcase_add_test(tc, test_read_file);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(json_suite)
