/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "dl.h"
#include "log.h"
#include "net-nft.h"

#ifdef HAVE_LIBNFTABLES
#include <nftables/libnftables.h>

static typeof(nft_ctx_new) *sym_nft_ctx_new;
static typeof(nft_ctx_free) *sym_nft_ctx_free;
static typeof(nft_ctx_buffer_output) *sym_nft_ctx_buffer_output;
static typeof(nft_ctx_buffer_error) *sym_nft_ctx_buffer_error;
static typeof(nft_ctx_get_output_buffer) *sym_nft_ctx_get_output_buffer;
static typeof(nft_ctx_get_error_buffer) *sym_nft_ctx_get_error_buffer;
static typeof(nft_run_cmd_from_buffer) *sym_nft_run_cmd_from_buffer;

static const struct nsb_dl_sym syms[] = {
        NSB_DL_SYM(nft_ctx_new),
        NSB_DL_SYM(nft_ctx_free),
        NSB_DL_SYM(nft_ctx_buffer_output),
        NSB_DL_SYM(nft_ctx_buffer_error),
        NSB_DL_SYM(nft_ctx_get_output_buffer),
        NSB_DL_SYM(nft_ctx_get_error_buffer),
        NSB_DL_SYM(nft_run_cmd_from_buffer),
};

static struct nsb_dl_lib lib = NSB_DL_LIB("libnftables.so.1", "libnftables1", syms);

/* nft's message, without its trailing newline. */
static void log_nft_error(struct nft_ctx *ctx, const char *what)
{
	const char *e = sym_nft_ctx_get_error_buffer(ctx);
	size_t len = e ? strlen(e) : 0;

	while (len && e[len - 1] == '\n')
		len--;
	nsb_err("--net-allow: cannot %s: %.*s", what, (int)len,
	        len ? e : "libnftables gave no reason");
}

/* Run cmd; *ret_out gets a copy of the output if asked. */
static int run(const char *cmd, const char *what, char **ret_out)
{
	struct nft_ctx *ctx;
	int r;

	r = nsb_dl_load(&lib, "--net-allow");
	if (r < 0)
		return r;
	ctx = sym_nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return nsb_log_errno(ENOMEM, "--net-allow: cannot create an nftables context");
	/* Keep nft's messages for our own, one-line report. */
	if (sym_nft_ctx_buffer_error(ctx) < 0 || sym_nft_ctx_buffer_output(ctx) < 0) {
		sym_nft_ctx_free(ctx);
		return nsb_log_errno(ENOMEM, "--net-allow: cannot buffer nftables messages");
	}
	r = 0;
	if (sym_nft_run_cmd_from_buffer(ctx, cmd) != 0) {
		log_nft_error(ctx, what);
		r = -EINVAL;
	} else if (ret_out) {
		const char *o = sym_nft_ctx_get_output_buffer(ctx);

		*ret_out = strdup(o ? o : "");
		if (!*ret_out)
			r = -ENOMEM;
	}
	sym_nft_ctx_free(ctx);
	return r;
}

int nsb_nft_apply(const char *ruleset)
{
	return run(ruleset, "install the nftables rules", NULL);
}

int nsb_nft_list(char **ret_text)
{
	return run("list ruleset", "list the nftables rules", ret_text);
}
#else
int nsb_nft_apply(const char *ruleset)
{
	nsb_err("--net-allow: nsbox was built without libnftables");
	return -EOPNOTSUPP;
}

int nsb_nft_list(char **ret_text)
{
	nsb_err("--net-allow: nsbox was built without libnftables");
	return -EOPNOTSUPP;
}
#endif
