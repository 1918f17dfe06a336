/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linked with an ELF interpreter that does not exist (see Makefile.am):
 * execve() fails with ENOENT although this file is there. test_diag also
 * patches copies of it into other broken programs. */
int main(void)
{
	return 0;
}
