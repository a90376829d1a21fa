// The FTP server engine as a RealSession for `wiresim serve`: its DataActions become the neutral
// DataRequests the loopback socket loop executes, and what happens on the data connection goes
// back into the engine. No FTP logic: a translation between two vocabularies.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "protocols/ftp/server_session.hpp"
#include "sim/scenario/real_service.hpp"

namespace wiresim::ftp {

DataRequest to_request(DataAction action);

class RealServerSession : public RealEngineSession<ServerSession> {
 public:
  RealServerSession(std::function<void(const Event&)> on_event, Vfs& vfs, ServerConfig config)
      : RealEngineSession<ServerSession>(std::move(on_event), vfs, std::move(config)) {}

  std::vector<DataRequest> take_data_requests() override {
    std::vector<DataRequest> out;
    for (DataAction& action : engine().take_data_actions()) out.push_back(to_request(std::move(action)));
    return out;
  }
  void on_data_connected(Time now) override { engine().on_data_connected(now); }
  void on_data_bytes(std::string_view data, Time now) override { engine().on_data_bytes(data, now); }
  void on_data_closed(bool clean, Time now) override { engine().on_data_closed(clean, now); }
};

}  // namespace wiresim::ftp
