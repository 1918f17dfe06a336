/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for nsb_oci_spec_parse(): the input is a config.json;
 * the same bytes then go to the readers of exec --process and update
 * --resources documents (nsb_oci_process_parse, nsb_oci_resources_parse).
 * A document that parses also goes through the pure steps phase 2 will
 * take with it: the cgroup writes of linux.resources (v1 and v2) and the
 * v2 device program. Nothing is mounted, written or installed.
 *
 * Besides sanitizer findings, the harness aborts when a failure is not
 * logged exactly once as "nsbox-oci: config.json...", when a failure
 * leaves anything in the struct, or when a success breaks the header's
 * promises (absolute paths, argv NULL-terminated, limits kept). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oci/cgroup.h"
#include "oci/spec.h"

#define FUZZ_NAME "fuzz_oci_config"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_setup("nsbox-oci", 1);
	return 0;
}

static void check_strv(const struct nsb_strv *s, const char *what)
{
	if (s->n && (!s->v || s->v[s->n]))
		fail("%s: not NULL-terminated", what);
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i])
			fail("%s[%zu] is NULL", what, i);
}

static void check_spec(const struct nsb_oci_spec *s)
{
	if (!s->oci_version || !s->root_path || !s->root_path[0])
		fail("no version or root path");
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct nsb_oci_mount *m = &s->mounts[i];

		if (!m->destination || m->destination[0] != '/')
			fail("mount %zu: destination not absolute", i);
		if (m->type == NSB_OCI_MNT_BIND && (!m->source || !m->source[0] || m->data))
			fail("mount %zu: a bind without source, or with data", i);
	}
	if (s->has_process) {
		check_strv(&s->process.args, "args");
		check_strv(&s->process.env, "env");
		if (s->process.args.n == 0 || !s->process.cwd || s->process.cwd[0] != '/')
			fail("process without args or absolute cwd");
		for (size_t i = 0; i < s->process.n_rlimits; i++)
			if (s->process.rlimits[i].soft > s->process.rlimits[i].hard)
				fail("rlimit soft above hard");
	}
	for (int k = 0; k < NSB_OCI_HOOK_N_KINDS; k++)
		for (size_t i = 0; i < s->hooks[k].n; i++) {
			if (!s->hooks[k].v[i].path || s->hooks[k].v[i].path[0] != '/')
				fail("hook path not absolute");
			check_strv(&s->hooks[k].v[i].args, "hook args");
			check_strv(&s->hooks[k].v[i].env, "hook env");
		}
	if ((s->linux_.uid_mappings.n || s->linux_.gid_mappings.n) &&
	    (!s->linux_.ns[NSB_OCI_NS_USER].present || s->linux_.ns[NSB_OCI_NS_USER].path))
		fail("id mappings without a new user namespace");
	if (s->hostname && !s->linux_.ns[NSB_OCI_NS_UTS].present)
		fail("hostname without a uts namespace");
}

static void resources_steps(const struct nsb_oci_resources *res)
{
	for (int v2 = 0; v2 < 2; v2++) {
		struct nsb_cg_write *ws = NULL;
		size_t n = 0;
		int r;

		messages = 0;
		r = nsb_cgroup_plan(res, v2, &ws, &n);
		if (r < 0 && (messages == 0 || ws))
			fail("plan failed (%d) without a message or with writes", r);
		free(ws);
	}
	if (res->n_devices) {
		void *insns = NULL;
		size_t n = 0;

		if (nsb_cgroup_devices_bpf(res->devices, res->n_devices, &insns, &n) == 0 &&
		    (n < 8 || !insns))
			fail("device program of %zu instructions", n);
		free(insns);
	}
}

/* A failed parse of FILE: an errno, logged once naming FILE. */
static void check_failure(int r, const char *file)
{
	if (r > 0 || r <= -4096)
		fail("%s: not 0 nor an errno: %d", file, r);
	if (messages != 1)
		fail("%s: %d messages for %d: %s", file, messages, r, first_message);
	if (strncmp(first_message, "nsbox-oci: ", 11) != 0 ||
	    strncmp(first_message + 11, file, strlen(file)) != 0)
		fail("message does not name %s: %s", file, first_message);
}

/* The same text as the other JSON documents nsbox-oci reads from its
 * caller: exec --process FILE and update --resources FILE. */
static void other_documents(const uint8_t *data, size_t size)
{
	static const struct nsb_oci_process pzero;
	static const struct nsb_oci_resources rzero;
	struct nsb_oci_process p;
	struct nsb_oci_resources res;
	int r;

	messages = 0;
	first_message[0] = '\0';
	r = nsb_oci_process_parse("process.json", (const char *)data, size, &p);
	if (r == 0) {
		if (messages != 0)
			fail("process.json: success with %d messages: %s", messages, first_message);
		check_strv(&p.args, "args");
		check_strv(&p.env, "env");
	} else {
		check_failure(r, "process.json");
		if (memcmp(&p, &pzero, sizeof(p)) != 0)
			fail("process.json: a failure left something in the struct");
	}
	nsb_oci_process_free(&p);

	messages = 0;
	first_message[0] = '\0';
	r = nsb_oci_resources_parse("resources.json", (const char *)data, size, &res);
	if (r == 0) {
		if (messages != 0)
			fail("resources.json: success with %d messages: %s", messages,
			     first_message);
		resources_steps(&res);
	} else {
		check_failure(r, "resources.json");
		if (memcmp(&res, &rzero, sizeof(res)) != 0)
			fail("resources.json: a failure left something in the struct");
	}
	nsb_oci_resources_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nsb_oci_spec zero;
	struct nsb_oci_spec spec;
	int r;

	messages = 0;
	first_message[0] = '\0';
	r = nsb_oci_spec_parse("config.json", (const char *)data, size, &spec);
	if (r == 0) {
		if (messages != 0)
			fail("success with %d messages: %s", messages, first_message);
		check_spec(&spec);
		if (spec.linux_.resources.present)
			resources_steps(&spec.linux_.resources);
	} else {
		if (r > 0 || r <= -4096)
			fail("not 0 nor an errno: %d", r);
		if (messages != 1)
			fail("%d messages for %d: %s", messages, r, first_message);
		if (strncmp(first_message, "nsbox-oci: config.json", 22) != 0)
			fail("message does not name config.json: %s", first_message);
		if (memcmp(&spec, &zero, sizeof(spec)) != 0)
			fail("a failure left something in the struct");
	}
	nsb_oci_spec_free(&spec);
	other_documents(data, size);
	return 0;
}
