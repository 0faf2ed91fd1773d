// The interactive shell: libedit line editing and history (<home>/history), multi-line statements
// ("fedq> " then "   -> " until the statement ends with ';'), backslash commands, Ctrl-C handling
// (clears the input line at the prompt; cancels a running statement; a second Ctrl-C while the
// statement is still running exits the process).
#pragma once

#include <string>

#include "cli/session.h"

namespace fedq {

struct ShellOptions {
    std::string history_path;  // empty: no history file
};

// Runs until \q or end of input. Returns the process exit code (0).
int run_shell(Session& session, const ShellOptions& options);

// Installs the SIGINT handler used while statements run (counts interrupts; see progress.h).
void install_interrupt_handler();

}  // namespace fedq
