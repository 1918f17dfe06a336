/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the OCI seccomp compiler: the input is the value
 * of linux.seccomp, checked by nsb_oci_spec_parse() and compiled by
 * nsb_oci_seccomp_compile(). Nothing is installed.
 *
 * Besides sanitizer findings and hangs in libseccomp, the harness aborts
 * when a compiled program is empty or too long, when a compile failure is
 * not logged (last message "nsbox-oci: config.json: linux.seccomp..."), or
 * when a failure returns a program. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include "log.h"
#include "oci/seccomp.h"
#include "oci/spec.h"

#define FUZZ_NAME "fuzz_oci_seccomp"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_setup("nsbox-oci", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, "
	                           "\"linux\": {\"seccomp\": ";
	struct nsb_oci_spec spec;
	struct nsb_oci_bpf bpf;
	char *text;
	int r;

	if (size > 65536)
		return -1;
	text = malloc(sizeof(head) + size + 3);
	if (!text)
		fail("out of memory");
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, size);
	memcpy(text + sizeof(head) - 1 + size, "}}", 3);
	messages = 0;
	r = nsb_oci_spec_parse("config.json", text, sizeof(head) - 1 + size + 2, &spec);
	free(text);
	if (r < 0 || !spec.linux_.seccomp.present) {
		if (r == 0)
			nsb_oci_spec_free(&spec);
		return 0;
	}
	messages = 0;
	r = nsb_oci_seccomp_compile(&spec.linux_.seccomp, &bpf);
	if (r == 0) {
		if (!bpf.prog.insns || bpf.prog.len == 0 || bpf.prog.len > BPF_MAXINSNS)
			fail("compiled to %zu instructions", bpf.prog.len);
	} else {
		if (r > 0 || r <= -4096)
			fail("not 0 nor an errno: %d", r);
		if (messages == 0)
			fail("failure %d without a message", r);
		if (strncmp(last_message, "nsbox-oci: config.json: linux.seccomp", 37) != 0)
			fail("message does not name linux.seccomp: %s", last_message);
		if (bpf.prog.insns)
			fail("a failure returned a program");
	}
	nsb_oci_bpf_free(&bpf);
	nsb_oci_spec_free(&spec);
	return 0;
}
