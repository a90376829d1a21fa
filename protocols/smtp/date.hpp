// The RFC 5322 3.3 date-time for the Received: header when the adapter gives no clock of its
// own: simulated time counted from 1970-01-01 00:00:00 UTC. Leaves out time zones (+0000 only).
#pragma once

#include <string>

#include "sim/core/time.hpp"

namespace wiresim::smtp {

std::string format_date(Time t);  // "Thu, 1 Jan 1970 00:00:00 +0000"

}  // namespace wiresim::smtp
