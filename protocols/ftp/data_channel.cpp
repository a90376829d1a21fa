#include "protocols/ftp/data_channel.hpp"

namespace wiresim::ftp {

std::string format_address(std::uint32_t address) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((address >> shift) & 0xFF);
    if (shift > 0) out += '.';
  }
  return out;
}

std::string_view to_string(DataAction::Kind kind) {
  switch (kind) {
    case DataAction::Kind::Listen:
      return "listen";
    case DataAction::Kind::Connect:
      return "connect";
    case DataAction::Kind::Send:
      return "send";
    case DataAction::Kind::Close:
      return "close";
    case DataAction::Kind::Abort:
      return "abort";
  }
  return "abort";
}

std::string describe(const DataAction& action) {
  std::string out(to_string(action.kind));
  switch (action.kind) {
    // Appends one piece at a time: GCC 12 warns falsely (-Wrestrict) on "x" + string chains.
    case DataAction::Kind::Listen:
    case DataAction::Kind::Connect:
      out += ' ';
      out += format_address(action.address);
      out += ':';
      out += std::to_string(action.port);
      if (action.kind == DataAction::Kind::Connect && action.local_port != 0) {
        out += " from port ";
        out += std::to_string(action.local_port);
      }
      break;
    case DataAction::Kind::Send:
      out += ' ';
      out += std::to_string(action.bytes.size());
      out += " bytes";
      break;
    case DataAction::Kind::Close:
    case DataAction::Kind::Abort:
      break;
  }
  return out;
}

}  // namespace wiresim::ftp
