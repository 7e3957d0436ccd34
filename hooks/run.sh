#!/bin/sh
# qlock's git-hook runner (template). `qlock hooks install` renders it into
# <git-common-dir>/qlock/hooks/run.sh with the @...@ values filled in; the "# >>> qlock >>>" block
# of each git hook calls it as:  sh run.sh <hook> [hook arguments...]
#
# - It starts node only when there is something to check (a node start costs ~60 ms).
# - It finds qlock without npx (~380 ms): the node and bin/qlock.js recorded at install time
#   (which runs the bundled fast path while it is fresh), else `qlock` on PATH.
# - It tells a deliberate block (exit @BLOCK_EXIT@ from `qlock hook`) from a crash (any other
#   non-zero exit). A crash, or qlock missing, lets the git operation go ahead with a one-line
#   warning, unless failClosed was set when this file was written (qlock rewrites it when the
#   config changes). post-* hooks never fail.
# - QLOCK=0 skips it all.
qlock_node=@NODE@
qlock_bin=@BIN@
qlock_fail_closed=@FAIL_CLOSED@
qlock_block_exit=@BLOCK_EXIT@
qlock_blocking_hooks=@MAY_BLOCK@
qlock_fail_open_hooks=@FAIL_OPEN@
qlock_stdin_hooks=@STDIN@
qlock_staged_hooks=@STAGED@
qlock_staged_end=@STAGED_END@
qlock_base_hooks=@FILTER_BASE@
qlock_add_hooks=@FILTER_WORKTREE_ADD@
qlock_msg_missing=@MSG_MISSING@
qlock_msg_missing_block=@MSG_MISSING_BLOCK@
qlock_msg_crash=@MSG_CRASH@
qlock_msg_crash_block=@MSG_CRASH_BLOCK@

[ "${QLOCK-}" = 0 ] && exit 0
qlock_state=${0%/*}/..
qlock_hook=${1-}

# `qlock doctor` runs the hook files git would run with QLOCK_PROBE=<file>: the runner answers
# there (once the qlock it would start exists), with no other effect, and the hook stops here, so
# that the project's own hooks do not run. Reaching this line is what a hook file has to prove;
# doctor asks the recorded node and bin to run qlock itself, once (a node start per hook made
# doctor take over a second).
if [ -n "${QLOCK_PROBE-}" ]; then
  if { [ -x "$qlock_node" ] && [ -f "$qlock_bin" ]; } || command -v qlock >/dev/null 2>&1; then
    printf '%s\n' "$qlock_hook" >>"$QLOCK_PROBE"
  fi
  exit 1
fi

qlock_listed() {
  case " $2 " in *" $1 "*) return 0 ;; esac
  return 1
}

# Cheap filters, in the shell: most hook runs have nothing for qlock to do.
if qlock_listed "$qlock_hook" "$qlock_add_hooks"; then
  # post-checkout <old> <new> <flag>: only `git worktree add` (old is all zeros, flag 1).
  [ "${4-}" = 1 ] || exit 0
  case ${2-} in '' | *[!0]*) exit 0 ;; esac
else
  # Nothing registered yet: no session, no lock to check against.
  [ -f "$qlock_state/registry.json" ] || exit 0
fi
if qlock_listed "$qlock_hook" "$qlock_base_hooks" && [ -f "$qlock_state/hooks/bases" ]; then
  # Only when HEAD is a base branch (qlock keeps the list of bases in hooks/bases). HEAD is read
  # from the worktree's git dir when it is a plain directory, else asked from git.
  qlock_head=
  if [ -f "${GIT_DIR:-.git}/HEAD" ]; then
    read -r qlock_head <"${GIT_DIR:-.git}/HEAD" || :
    qlock_head=${qlock_head#ref: }
  else
    qlock_head=$(git symbolic-ref -q HEAD 2>/dev/null) || exit 0
  fi
  qlock_on_base=0
  while IFS= read -r qlock_ref || [ -n "$qlock_ref" ]; do
    if [ "$qlock_ref" = "$qlock_head" ]; then
      qlock_on_base=1
      break
    fi
  done <"$qlock_state/hooks/bases"
  [ "$qlock_on_base" = 1 ] || exit 0
fi

qlock_blocks=0
qlock_listed "$qlock_hook" "$qlock_blocking_hooks" && qlock_blocks=1
# Hooks that must never fail on qlock's own errors (reference-transaction), failClosed or not.
qlock_crash_blocks=$qlock_fail_closed
qlock_listed "$qlock_hook" "$qlock_fail_open_hooks" && qlock_crash_blocks=0

qlock_fallback=0
if [ -x "$qlock_node" ] && [ -f "$qlock_bin" ]; then
  set -- "$qlock_node" "$qlock_bin" hook "$@"
elif command -v qlock >/dev/null 2>&1; then
  qlock_fallback=1
  set -- qlock hook "$@"
else
  if [ "$qlock_blocks" = 1 ] && [ "$qlock_crash_blocks" = 1 ]; then
    # shellcheck disable=SC2059 # the messages are printf formats
    printf "$qlock_msg_missing_block\n" "$qlock_hook" "$qlock_bin" >&2
    exit 1
  fi
  # shellcheck disable=SC2059
  printf "$qlock_msg_missing\n" "$qlock_hook" "$qlock_bin" >&2
  exit 0
fi

# Run it with stderr captured (stdout passes through on fd 3), so that a crash shows one line.
exec 3>&1
if qlock_listed "$qlock_hook" "$qlock_staged_hooks"; then
  # The staged paths (the hook's index) computed while node starts; the end marker tells qlock
  # that git succeeded, otherwise it asks git itself.
  qlock_err=$({ git diff --cached --raw -z --no-renames --no-abbrev 2>/dev/null &&
    printf '%s\0' "$qlock_staged_end"; } |
    QLOCK_HOOK_RUNNER=1 QLOCK_HOOK_FAIL_CLOSED=$qlock_fail_closed QLOCK_HOOK_STAGED=stdin \
      QLOCK_HOOK_FALLBACK=$qlock_fallback "$@" 2>&1 1>&3 3>&-)
  qlock_code=$?
elif qlock_listed "$qlock_hook" "$qlock_stdin_hooks"; then
  qlock_err=$(QLOCK_HOOK_RUNNER=1 QLOCK_HOOK_FAIL_CLOSED=$qlock_fail_closed \
    QLOCK_HOOK_FALLBACK=$qlock_fallback "$@" 2>&1 1>&3 3>&-)
  qlock_code=$?
else
  qlock_err=$(QLOCK_HOOK_RUNNER=1 QLOCK_HOOK_FAIL_CLOSED=$qlock_fail_closed \
    QLOCK_HOOK_FALLBACK=$qlock_fallback "$@" 2>&1 1>&3 3>&- </dev/null)
  qlock_code=$?
fi
exec 3>&-

if [ "$qlock_code" = 0 ]; then
  [ -z "$qlock_err" ] || printf '%s\n' "$qlock_err" >&2
  exit 0
fi
if [ "$qlock_code" = "$qlock_block_exit" ]; then
  [ -z "$qlock_err" ] || printf '%s\n' "$qlock_err" >&2
  [ "$qlock_blocks" = 1 ] && exit 1
  exit 0
fi
# Anything else is a crash of qlock, not a decision.
[ "${QLOCK_DEBUG-}" = 1 ] && [ -n "$qlock_err" ] && printf '%s\n' "$qlock_err" >&2
if [ "$qlock_blocks" = 1 ] && [ "$qlock_crash_blocks" = 1 ]; then
  # shellcheck disable=SC2059
  printf "$qlock_msg_crash_block\n" "$qlock_hook" "$qlock_code" >&2
  exit 1
fi
# shellcheck disable=SC2059
printf "$qlock_msg_crash\n" "$qlock_hook" "$qlock_code" >&2
exit 0
