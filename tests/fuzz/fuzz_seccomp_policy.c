/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for nsb_seccomp_compile_policy(): the input is the text
 * of a --seccomp-policy file. Inputs with a NUL byte are rejected, as
 * nsb_seccomp_compile_policy_file() refuses them before compiling. Nothing is
 * installed: the compiled program is checked for shape and freed.
 *
 * Besides sanitizer findings, the harness aborts when a success yields an
 * empty or oversized program, or when a failure is not logged exactly once
 * as "<path>:<line>: ..." (the contract in nsb-seccomp.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include "log.h"
#include "nsb-seccomp.h"

#define FUZZ_NAME "fuzz_seccomp_policy"
#include "fuzz-common.h"

#define POLICY_PATH "fuzz.policy"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_setup("nsbox", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsb_bpf prog = {0};
	char *text;
	int r;

	if (memchr(data, '\0', size))
		return -1;
	text = malloc(size + 1);
	if (!text)
		fail("out of memory");
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';

	messages = 0;
	first_message[0] = '\0';
	r = nsb_seccomp_compile_policy(POLICY_PATH, text, &prog);
	if (r == 0) {
		if (!prog.insns || prog.len == 0 || prog.len > BPF_MAXINSNS)
			fail("compiled to %zu instructions", prog.len);
		if (messages != 0)
			fail("success with %d messages: %s", messages, first_message);
	} else {
		if (r > 0 || r <= -4096)
			fail("not 0 nor an errno: %d", r);
		if (messages != 1)
			fail("%d messages for %d (%s): %s", messages, r, strerror(-r),
			     first_message);
		if (strncmp(first_message, "nsbox: " POLICY_PATH, strlen("nsbox: " POLICY_PATH)))
			fail("message does not name the policy: %s", first_message);
		if (prog.insns)
			fail("a failure returned a program");
	}
	nsb_bpf_free(&prog);
	free(text);
	return 0;
}
