// The recording's life inside the process: the constructor that decides
// whether this process records (only the one whose pid the launcher put in
// LOCKSCOPE_RECORD_PID) and starts the writer; the ways a process ends
// that must leave a complete file (exit(), return from main, _exit(),
// SIGINT/SIGTERM with their default action, the library destructor as the
// last resort); and fork children, which do not record and say so once.
#pragma once

namespace lockscope::record::interposer {

// Prints, once per process, the line saying a fork child is not recorded.
void announce_not_recorded_child();

}  // namespace lockscope::record::interposer
