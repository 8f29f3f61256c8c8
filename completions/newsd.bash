# bash completion for newsd(1).
# Subcommands and flags are read from `newsd [SUBCOMMAND...] --help` (CLI11's
# "Subcommands:" and "Options:" sections), so they follow the binary that is
# installed; tests/packaging/docs_test.cpp checks the result against it.

# Prints the subcommands or the flags listed by `newsd WORDS... --help`.
_newsd_help_words() {
  local what=$1
  shift
  "${_newsd_bin:-newsd}" "$@" --help 2>/dev/null | awk -v what="$what" '
    /^[A-Za-z]+:$/ { section = $0; next }
    what == "subcommands" && section == "Subcommands:" && /^  [a-z]/ { print $1 }
    what == "flags" && (section == "Options:" || section == "OPTIONS:") {
      for (i = 1; i <= NF; i++) {
        n = split($i, names, ",")
        for (j = 1; j <= n; j++) {
          sub(/[^-A-Za-z0-9].*$/, "", names[j])
          if (names[j] ~ /^--?[A-Za-z]/) print names[j]
        }
        if ($i !~ /^-/) break
      }
    }'
}

_newsd() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local _newsd_bin=${COMP_WORDS[0]}
  case $prev in
    --config | -c | --db | --model | --taxonomy | --data | --valid | --from)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --log-level)
      COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur"))
      return
      ;;
    --color)
      COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
      return
      ;;
    --sort)
      COMPREPLY=($(compgen -W "relevance date" -- "$cur"))
      return
      ;;
    --kind)
      COMPREPLY=($(compgen -W "topic country org model feed" -- "$cur"))
      return
      ;;
  esac
  # The subcommand path typed so far (`feeds add` under `feeds`, say).
  local path=() i word subs
  subs=$(_newsd_help_words subcommands)
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word != -* ]] && grep -qx -- "$word" <<<"$subs"; then
      path+=("$word")
      subs=$(_newsd_help_words subcommands "${path[@]}")
    fi
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_newsd_help_words flags "${path[@]}")" -- "$cur"))
  elif [[ -n $subs ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _newsd newsd
