# Sourced by the shell tools (runtests.sh, check_install.sh, .ci/run): the one
# way an interpreter is found.
#
#   find_python 3.11      -> the newest pyenv 3.11.x, else python3.11 on PATH
#   find_python /usr/bin/python3.11-dbg  -> that path, if executable
#
# Prints the path; a missing interpreter is an error (status 1), not a skip.
find_python() {
    local want=$1 root dir
    if [ -x "$want" ]; then echo "$want"; return 0; fi
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root)
        # Newest patch release first: 3.11.10 sorts after 3.11.9.
        for dir in $(ls -d "$root"/versions/"$want".* 2>/dev/null | sort -t. -k3,3n -r); do
            case "${dir##*/}" in
                "$want".[0-9]|"$want".[0-9][0-9])
                    [ -x "$dir/bin/python" ] && { echo "$dir/bin/python"; return 0; } ;;
            esac
        done
    fi
    if command -v "python$want" >/dev/null 2>&1; then command -v "python$want"; return 0; fi
    echo "no Python $want on this machine" >&2
    return 1
}
