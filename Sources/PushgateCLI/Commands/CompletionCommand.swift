/// `pushgate completion bash|zsh|fish`: a completion script for the shell, completing commands and
/// subcommands, generated from the command list so it never drifts from it.
enum CompletionCommand: CLICommand {
    static let name = "completion"
    static let summary = "print a shell completion script (bash, zsh, fish)"
    static let help = """
        usage: pushgate completion bash|zsh|fish

        Prints a script that completes pushgate's commands and subcommands. Install it with, for example:
          pushgate completion bash > /etc/bash_completion.d/pushgate
          pushgate completion zsh > "${fpath[1]}/_pushgate"
          pushgate completion fish > ~/.config/fish/completions/pushgate.fish

        exit status: 0 printed, 2 usage error
        """
    static let subcommands = ["bash", "zsh", "fish"]

    static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        guard arguments.count == 1, let shell = arguments.first else {
            context.error("pushgate completion: give one shell: bash, zsh or fish (see 'pushgate completion --help')")
            return .usage
        }
        let commands = PushgateCommand.commands.map { ($0.name, $0.subcommands) }
        switch shell {
        case "bash": context.write(bash(commands))
        case "zsh": context.write(zsh(commands))
        case "fish": context.write(fish(commands))
        default:
            context.error("pushgate completion: unknown shell '\(shell)' (bash, zsh or fish)")
            return .usage
        }
        return .success
    }

    static func bash(_ commands: [(String, [String])]) -> String {
        let cases = commands.filter { !$0.1.isEmpty }.map {
            "        \($0.0)) COMPREPLY=($(compgen -W \"\($0.1.joined(separator: " ")) --help\" -- \"$cur\")) ;;"
        }
        return """
            # bash completion for pushgate (pushgate completion bash)
            _pushgate() {
                local cur="${COMP_WORDS[COMP_CWORD]}"
                local i=1 command=""
                while [ $i -lt $COMP_CWORD ]; do
                    case "${COMP_WORDS[$i]}" in
                        --db) i=$((i + 1)) ;;
                        -*) ;;
                        *) command="${COMP_WORDS[$i]}"; break ;;
                    esac
                    i=$((i + 1))
                done
                if [ -z "$command" ]; then
                    COMPREPLY=($(compgen -W "\(commands.map(\.0).joined(separator: " ")) --db --help" -- "$cur"))
                    return
                fi
                case "$command" in
            \(cases.joined(separator: "\n"))
                    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
                esac
            }
            complete -F _pushgate pushgate

            """
    }

    static func zsh(_ commands: [(String, [String])]) -> String {
        let lines = PushgateCommand.commands.map { command in
            "        '\(command.name):\(command.summary.replacingOccurrences(of: "'", with: ""))'"
        }
        let cases = commands.filter { !$0.1.isEmpty }.map { "            \($0.0)) _values 'subcommand' \($0.1.joined(separator: " ")) ;;" }
        return """
            #compdef pushgate
            # zsh completion for pushgate (pushgate completion zsh)
            _pushgate() {
                local -a commands
                commands=(
            \(lines.joined(separator: "\n"))
                )
                if (( CURRENT == 2 )); then
                    _describe 'command' commands
                    return
                fi
                case "$words[2]" in
            \(cases.joined(separator: "\n"))
                    *) _files ;;
                esac
            }
            _pushgate "$@"

            """
    }

    static func fish(_ commands: [(String, [String])]) -> String {
        var lines = ["# fish completion for pushgate (pushgate completion fish)", "complete -c pushgate -f"]
        for command in PushgateCommand.commands {
            let summary = command.summary.replacingOccurrences(of: "'", with: "")
            lines.append("complete -c pushgate -n '__fish_use_subcommand' -a \(command.name) -d '\(summary)'")
            if !command.subcommands.isEmpty {
                lines.append(
                    "complete -c pushgate -n '__fish_seen_subcommand_from \(command.name)' -a '\(command.subcommands.joined(separator: " "))'"
                )
            }
        }
        lines.append("complete -c pushgate -l help -d 'show help'")
        lines.append("complete -c pushgate -l db -r -d 'the store: a SQLite path or a postgres:// URL'")
        return lines.joined(separator: "\n") + "\n"
    }
}
