#include "cli/shell.h"

#include <cctype>
#include <editline/readline.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/progress.h"
#include "sql/parser.h"

namespace fedq {

namespace {

std::atomic<bool> g_statement_running{false};
std::atomic<int> g_interrupts_while_running{0};
int g_interrupts_seen_by_reader = 0;
bool g_line_cancelled = false;

void on_interrupt(int) {
    g_interrupt_count.fetch_add(1);
    if (g_statement_running.load() && g_interrupts_while_running.fetch_add(1) >= 1) {
        static const char kMessage[] = "\nfedq: interrupted twice, exiting\n";
        ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
        (void)ignored;
        _exit(130);
    }
}

// Our own getc for libedit: a read() interrupted by Ctrl-C ends the current line (which the shell then
// discards) instead of being retried, so Ctrl-C at the prompt clears the input like in psql. Decodes
// UTF-8 so libedit receives whole code points.
int read_char(FILE* stream) {
    int fd = fileno(stream);
    auto read_byte = [&](unsigned char& byte) -> int {
        for (;;) {
            ssize_t n = ::read(fd, &byte, 1);
            if (n == 1) return 1;
            if (n == 0) return 0;
            if (errno == EINTR) {
                if (g_interrupt_count.load() != g_interrupts_seen_by_reader) {
                    g_interrupts_seen_by_reader = g_interrupt_count.load();
                    return -2;
                }
                continue;
            }
            return -1;
        }
    };
    unsigned char byte;
    int status = read_byte(byte);
    if (status == -2) {
        g_line_cancelled = true;
        return '\n';
    }
    if (status <= 0) return EOF;
    if (byte < 0x80) return byte;
    int extra = (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xE ? 2 : (byte >> 3) == 0x1E ? 3 : 0;
    int code_point = extra == 1 ? (byte & 0x1F) : extra == 2 ? (byte & 0x0F) : (byte & 0x07);
    if (extra == 0) return byte;
    for (int i = 0; i < extra; ++i) {
        unsigned char next;
        status = read_byte(next);
        if (status == -2) {
            g_line_cancelled = true;
            return '\n';
        }
        if (status <= 0) return EOF;
        code_point = (code_point << 6) | (next & 0x3F);
    }
    return code_point;
}

std::string trim(std::string_view text) {
    size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return "";
    size_t end = text.find_last_not_of(" \t\r\n;");
    if (end == std::string_view::npos || end < start) return "";
    return std::string(text.substr(start, end - start + 1));
}

const char kHelp[] =
    "Enter SQL statements terminated by ';' (a statement may span several lines).\n"
    "Backslash commands:\n"
    "  \\? or \\h           this help\n"
    "  \\q                 quit (also Ctrl-D)\n"
    "  \\timing [on|off]   show elapsed time after each statement\n"
    "  \\format NAME       output format: table, csv, tsv, json, ndjson, markdown\n"
    "  \\d                 list tables (SHOW TABLES)\n"
    "  \\d NAME            describe a table (DESCRIBE NAME)\n"
    "  \\i FILE            run the statements in FILE\n"
    "Ctrl-C clears the input line, or cancels the running statement (twice: exit).\n";

class Shell {
  public:
    Shell(Session& session, const ShellOptions& options) : session_(session), options_(options) {}

    int run() {
        rl_getc_function = read_char;
        using_history();
        stifle_history(2000);
        if (!options_.history_path.empty()) read_history(options_.history_path.c_str());
        std::cerr << "fedq shell. Type \\? for help, \\q to quit." << std::endl;
        std::string buffer;
        while (!quit_) {
            const char* prompt = buffer.empty() ? "fedq> " : "   -> ";
            g_line_cancelled = false;
            g_interrupts_seen_by_reader = g_interrupt_count.load();
            char* raw = readline(prompt);
            if (g_line_cancelled) {
                std::free(raw);
                buffer.clear();
                std::cerr << "^C" << std::endl;
                continue;
            }
            if (!raw) {
                std::cerr << std::endl;
                break;
            }
            std::string line(raw);
            std::free(raw);
            if (buffer.empty()) {
                std::string command = trim(line);
                if (command.empty()) continue;
                if (command[0] == '\\') {
                    remember(command);
                    run_command(command);
                    continue;
                }
            }
            if (!buffer.empty()) buffer += '\n';
            buffer += line;
            if (!is_statement_complete(buffer)) continue;
            remember(buffer);
            run_sql(buffer);
            buffer.clear();
        }
        if (!options_.history_path.empty()) write_history(options_.history_path.c_str());
        return 0;
    }

  private:
    // CREATE/ALTER CATALOG statements may carry passwords: they are never written to the history.
    static bool may_hold_secret(const std::string& entry) {
        std::string lower;
        for (char c : entry) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return lower.find("catalog") != std::string::npos &&
               (lower.find("create") != std::string::npos || lower.find("alter") != std::string::npos);
    }

    void remember(const std::string& entry) {
        if (may_hold_secret(entry)) return;
        std::string flat = entry;
        for (char& c : flat) {
            if (c == '\n' || c == '\r') c = ' ';
        }
        add_history(flat.c_str());
        if (!options_.history_path.empty()) write_history(options_.history_path.c_str());
    }

    void run_sql(const std::string& script) {
        std::vector<std::string> statements;
        try {
            statements = split_statements(script);
        } catch (const Error& error) {
            std::cerr << error.format(script) << std::endl;
            return;
        }
        for (const std::string& statement : statements) {
            g_interrupts_while_running = 0;
            g_statement_running = true;
            bool ok = session_.run_statement(statement);
            g_statement_running = false;
            if (!ok) break;
        }
    }

    void run_command(const std::string& command) {
        std::string name = command, argument;
        size_t space = command.find_first_of(" \t");
        if (space != std::string::npos) {
            name = command.substr(0, space);
            argument = trim(command.substr(space + 1));
        }
        SessionOptions& options = session_.options();
        if (name == "\\q" || name == "\\quit") {
            quit_ = true;
        } else if (name == "\\?" || name == "\\h" || name == "\\help") {
            std::cerr << kHelp;
        } else if (name == "\\timing") {
            if (argument == "on") {
                options.timing = true;
            } else if (argument == "off") {
                options.timing = false;
            } else {
                options.timing = !options.timing;
            }
            std::cerr << "Timing is " << (options.timing ? "on" : "off") << "." << std::endl;
        } else if (name == "\\format") {
            if (argument.empty()) {
                std::cerr << "Output format is " << output_format_name(options.format.format) << "."
                          << std::endl;
            } else if (auto format = parse_output_format(argument)) {
                options.format.format = *format;
                std::cerr << "Output format is " << output_format_name(*format) << "." << std::endl;
            } else {
                std::cerr << "unknown format '" << argument
                          << "' (expected table, csv, tsv, json, ndjson or markdown)" << std::endl;
            }
        } else if (name == "\\d") {
            run_sql(argument.empty() ? "SHOW TABLES" : "DESCRIBE " + argument);
        } else if (name == "\\i") {
            if (argument.empty()) {
                std::cerr << "\\i needs a file name" << std::endl;
                return;
            }
            std::ifstream file(argument, std::ios::binary);
            if (!file) {
                std::cerr << "cannot open " << argument << ": " << std::strerror(errno) << std::endl;
                return;
            }
            std::stringstream text;
            text << file.rdbuf();
            g_interrupts_while_running = 0;
            g_statement_running = true;
            session_.run_script(text.str(), argument, true);
            g_statement_running = false;
        } else {
            std::cerr << "unknown command " << name << " (\\? for help)" << std::endl;
        }
    }

    Session& session_;
    const ShellOptions& options_;
    bool quit_ = false;
};

}  // namespace

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR so the shell sees Ctrl-C
    sigaction(SIGINT, &action, nullptr);
}

int run_shell(Session& session, const ShellOptions& options) {
    install_interrupt_handler();
    // libedit needs a UTF-8 character locale to accept non-ASCII input; SQL text is always UTF-8.
    setlocale(LC_CTYPE, "");
    if (std::string_view(nl_langinfo(CODESET)) != "UTF-8") setlocale(LC_CTYPE, "C.UTF-8");
    Shell shell(session, options);
    return shell.run();
}

}  // namespace fedq
