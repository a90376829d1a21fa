// DataAction -> DataRequest: the same five requests under their neutral names.
#include "protocols/ftp/real_session.hpp"

namespace wiresim::ftp {

DataRequest to_request(DataAction action) {
  DataRequest r;
  switch (action.kind) {
    case DataAction::Kind::Listen: r.kind = DataRequest::Kind::Listen; break;
    case DataAction::Kind::Connect: r.kind = DataRequest::Kind::Connect; break;
    case DataAction::Kind::Send: r.kind = DataRequest::Kind::Send; break;
    case DataAction::Kind::Close: r.kind = DataRequest::Kind::Close; break;
    case DataAction::Kind::Abort: r.kind = DataRequest::Kind::Abort; break;
  }
  r.address = action.address;
  r.port = action.port;
  r.local_port = action.local_port;
  r.bytes = std::move(action.bytes);
  return r;
}

}  // namespace wiresim::ftp
