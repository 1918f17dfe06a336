# SPDX-License-Identifier: LGPL-2.1-or-later
# Operations that create things in the new root: --tmpfs (with --size and
# --perms), --mqueue, --dir, --file, --bind-data, --ro-bind-data, --symlink,
# --chmod, and the modes of created parents.
. "${0%/*}/lib.sh"

printf 'some data\nsecond line\n' >"$T/data"

# --- --tmpfs -------------------------------------------------------------------------

run_box --tmpfs /t sh -c 'ls -A /t; echo x >/t/f && cat /t/f'
expect "--tmpfs: empty and writable" status 0 out "x"
run_box --tmpfs /t stat -c %a /t
expect "--tmpfs: mode 0755 by default" status 0 out "755"
run_box --perms 0700 --tmpfs /t stat -c %a /t
expect "--perms 0700 --tmpfs: mode 0700" status 0 out "700"
run_box --perms 01777 --tmpfs /t stat -c %a /t
expect "--perms 01777 --tmpfs: mode 1777" status 0 out "1777"
run_box --tmpfs /a/b/t stat -c %a /a /a/b /a/b/t
expect "--tmpfs: missing parents are created 0755" status 0 out "$(printf '755\n755\n755')"

run_box --size 65536 --tmpfs /t sh -c 'head -c 300000 /dev/zero >/t/big'
expect "--size 65536 --tmpfs: a 300 kB write fails with ENOSPC" status_not 0 err_has "No space left on device"
run_box --size 65536 --tmpfs /t sh -c 'head -c 20000 /dev/zero >/t/small && wc -c </t/small'
expect "--size 65536 --tmpfs: a 20 kB write fits" status 0 out "20000"
run_box --size 0x10000 --tmpfs /t sh -c 'head -c 300000 /dev/zero >/t/big'
expect "--size takes hexadecimal" status_not 0 err_has "No space left on device"
run_box --size 64KiB --tmpfs /t sh -c 'grep -c " /t .*size=64k" /proc/self/mountinfo; head -c 300000 /dev/zero >/t/big'
expect "--size 64KiB: a 64 KiB tmpfs" status_not 0 out "1" err_has "No space left on device"
run_box --size 3m --tmpfs /t sh -c 'grep -c " /t .*size=3072k" /proc/self/mountinfo'
expect "--size 3m: a 3 MiB tmpfs" status 0 out "1"
run_box --perms 0700 --size 65536 --tmpfs /t sh -c 'stat -c %a /t; grep -c " /t .*size=64k" /proc/self/mountinfo'
expect "--perms then --size before one --tmpfs" status 0 out "$(printf '700\n1')"
run_box --size 65536 --perms 0700 --tmpfs /t sh -c 'stat -c %a /t; grep -c " /t .*size=64k" /proc/self/mountinfo'
expect "--size then --perms before one --tmpfs" status 0 out "$(printf '700\n1')"
run_box --size 65536 --tmpfs /t1 --tmpfs /t2 sh -c 'head -c 300000 /dev/zero >/t2/big && echo fits'
expect "--size applies to the next --tmpfs only" status 0 out "fits"

# --- --mqueue ------------------------------------------------------------------------

run_box --unshare-ipc --mqueue /dev/mqueue sh -c 'grep -c " /dev/mqueue .* - mqueue " /proc/self/mountinfo'
expect "--mqueue with --unshare-ipc mounts an mqueue fs" status 0 out "1"

# --- --dir ---------------------------------------------------------------------------

run_box --dir /a/b/c stat -c %a /a /a/b /a/b/c
expect "--dir: mode 0755, parents too" status 0 out "$(printf '755\n755\n755')"
run_box --perms 0700 --dir /d stat -c %a /d
expect "--perms 0700 --dir: mode 0700" status 0 out "700"
run_box --perms 0777 --dir /d stat -c %a /d
expect "--perms 0777 --dir: mode 0777 (no umask)" status 0 out "777"
run_box --perms 0750 --dir /p/q/r stat -c %a /p /p/q /p/q/r
expect "--perms 0750: new parents lose other r-x" status 0 out "$(printf '750\n750\n750')"
run_box --perms 0705 --dir /p/q stat -c %a /p /p/q
expect "--perms 0705: new parents lose group r-x" status 0 out "$(printf '705\n705')"
run_box --perms 0700 --dir /p/q stat -c %a /p /p/q
expect "--perms 0700: new parents are 0700" status 0 out "$(printf '700\n700')"
run_box --perms 0711 --dir /p/q stat -c %a /p /p/q
expect "--perms 0711: new parents stay 0755" status 0 out "$(printf '755\n711')"
run_box --dir /p --perms 0700 --dir /p/q stat -c %a /p /p/q
expect "--perms does not touch existing parents" status 0 out "$(printf '755\n700')"
run_box --perms 0700 --dir /d --dir /d stat -c %a /d
expect "--dir on an existing dir leaves its mode alone" status 0 out "700"
run_box --dir /d --perms 0700 --dir /d stat -c %a /d
expect "--perms --dir on an existing dir leaves its mode alone" status 0 out "755"
mkdir -m 0755 "$T/hostdir"
run_box --bind "$T/hostdir" /hd --perms 0700 --dir /hd true
expect "--dir on a bound host dir succeeds" status 0
is "$(stat -c %a "$T/hostdir")" 755 "... and leaves the host dir's mode alone"
run_box --dir /usr true
expect "--dir on a read-only existing dir succeeds" status 0
run_box --dir /usr/nsbox-test-dir true
expect_error "--dir inside a read-only bind is an error" "/usr/nsbox-test-dir"

# --- --file --------------------------------------------------------------------------

run_box --file 3 /etc/data cat /etc/data 3<"$T/data"
expect "--file: the file has the fd's contents" status 0 out "$(cat "$T/data")"
run_box --file 3 /etc/data stat -c %a /etc/data /etc 3<"$T/data"
expect "--file: mode 0666, parents 0755" status 0 out "$(printf '666\n755')"
run_box --perms 0640 --file 3 /f stat -c %a /f 3<"$T/data"
expect "--perms 0640 --file: mode 0640" status 0 out "640"
: >"$T/empty"
run_box --file 3 /f wc -c /f 3<"$T/empty"
expect "--file from an empty fd gives an empty file" status 0 out "0 /f"
head -c 1048576 /dev/urandom >"$T/big"
run_box --file 3 /big sh -c 'wc -c </big; md5sum </big' 3<"$T/big"
expect "--file copies 1 MiB exactly" status 0 out "$(printf '1048576\n%s' "$(md5sum <"$T/big")")"
mkfifo "$T/fifo"
cat "$T/big" >"$T/fifo" &
run_box --file 3 /big md5sum /big 3<"$T/fifo"
wait
expect "--file reads a pipe to its end" status 0 out "$(md5sum <"$T/big" | sed 's|-$|/big|')"
run_box --file 3 /a --file 3 /b true 3<"$T/data"
expect_error "--file: an fd cannot be used twice"
run_box --file 3 /usr/nsbox-test-file true 3<"$T/data"
expect_error "--file inside a read-only bind is an error" "/usr/nsbox-test-file"

# --- --bind-data, --ro-bind-data ------------------------------------------------------

run_box --bind-data 3 /bd sh -c 'cat /bd; stat -c %a /bd' 3<"$T/data"
expect "--bind-data: contents, mode 0600" status 0 out "$(printf '%s\n600' "$(cat "$T/data")")"
run_box --bind-data 3 /bd sh -c 'echo more >>/bd && tail -n 1 /bd' 3<"$T/data"
expect "--bind-data: writable" status 0 out "more"
run_box --ro-bind-data 3 /bd cat /bd 3<"$T/data"
expect "--ro-bind-data: contents" status 0 out "$(cat "$T/data")"
run_box --ro-bind-data 3 /bd sh -c 'echo more >>/bd' 3<"$T/data"
expect "--ro-bind-data: writes fail with EROFS" status_not 0 err_has "Read-only file system"
run_box --perms 0644 --ro-bind-data 3 /bd stat -c %a /bd 3<"$T/data"
expect "--perms 0644 --ro-bind-data: mode 0644" status 0 out "644"
run_box --bind-data 3 /a/b/bd cat /a/b/bd 3<"$T/data"
expect "--bind-data: missing parents are created" status 0 out "$(cat "$T/data")"

# --- --symlink -----------------------------------------------------------------------

run_box --symlink /usr/bin /ub sh -c 'readlink /ub && test -x /ub/sh'
expect "--symlink: an absolute target" status 0 out "/usr/bin"
run_box --symlink usr/share /us readlink /us
expect "--symlink: a relative target is kept as given" status 0 out "usr/share"
run_box --symlink /nonexistent /dangling readlink /dangling
expect "--symlink: a dangling target is fine" status 0 out "/nonexistent"
run_box --symlink target /a/b/l readlink /a/b/l
expect "--symlink: missing parents are created" status 0 out "target"
run_box --symlink usr/bin /x --symlink usr/bin /x readlink /x
expect "--symlink twice with the same target succeeds" status 0 out "usr/bin"
run_box --symlink usr/bin /x --symlink usr/sbin /x true
expect_error "--symlink over a different symlink is an error" "/x"
run_box --dir /d --symlink usr /d true
expect_error "--symlink over a directory is an error" "/d"

# --- --chmod -------------------------------------------------------------------------

run_box --dir /d --chmod 0700 /d stat -c %a /d
expect "--chmod changes a dir's mode" status 0 out "700"
run_box --dir /d --chmod 1777 /d stat -c %a /d
expect "--chmod sets the sticky bit" status 0 out "1777"
run_box --file 3 /f --chmod 0600 /f stat -c %a /f 3<"$T/data"
expect "--chmod changes a file's mode" status 0 out "600"
run_box --tmpfs /t --chmod 0750 /t stat -c %a /t
expect "--chmod changes a tmpfs root's mode" status 0 out "750"
run_box --chmod 0700 /missing true
expect_error "--chmod of a missing path is an error naming it" "/missing"
run_box --chmod 0700 /m/n true
expect_error "--chmod does not create parents" "/m/n"
mkdir -m 0755 "$T/rodir"
run_box --ro-bind "$T/rodir" /ro --chmod 0700 /ro true
expect_error "--chmod on a read-only bind is an error" "/ro"
is "$(stat -c %a "$T/rodir")" 755 "... and the host dir keeps its mode"

done_testing
