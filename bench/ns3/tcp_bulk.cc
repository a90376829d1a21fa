// ns-3 TCP bulk-transfer benchmark (baseline for wiresim).
//
// Usage: tcp_bulk [sock_buf_bytes]
//   0 (default) = keep the ns-3 defaults TcpSocket::SndBufSize/RcvBufSize = 131072;
//   N > 0 sets both to N bytes (e.g. 4194304).
//
// Two nodes joined by one PointToPoint link (100 Mbps, 5 ms, default MTU 1500,
// default DropTail device queue + default FqCoDel root queue disc installed by
// Ipv4AddressHelper). TCP NewReno, SegmentSize 1448 (1448 + 20 TCP + 12 TS
// option + 20 IP = 1500, so no fragmentation), delayed ACK count 2 (default).
// BulkSendApplication on node 0 sends exactly 200,000,000 bytes to a
// PacketSink on node 1; the sender closes the connection when done.
// Packets carried on the link = PhyTxEnd events on both devices (data, ACKs,
// SYN/FIN, both directions). Wall time = steady_clock around Simulator::Run()
// only; the run ends when the event list is empty.

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace ns3;

namespace
{

const uint64_t kBytes = 200000000ULL;
uint64_t g_linkPackets = 0;
uint64_t g_dirPackets[2] = {0, 0}; // [0] node0->node1 (data), [1] node1->node0 (ACKs)
uint64_t g_rxBytes = 0;
Time g_doneAt = Seconds(-1);

void
OnPhyTxEnd(uint32_t dir, Ptr<const Packet>)
{
    ++g_linkPackets;
    ++g_dirPackets[dir];
}

void
OnSinkRx(Ptr<const Packet> p, const Address&)
{
    g_rxBytes += p->GetSize();
    if (g_rxBytes >= kBytes && g_doneAt.IsNegative())
    {
        g_doneAt = Simulator::Now();
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t sockBuf = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0;

    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    if (sockBuf > 0)
    {
        Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(sockBuf));
        Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(sockBuf));
    }

    NodeContainer nodes;
    nodes.Create(2);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devs = p2p.Install(nodes);

    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addr;
    addr.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = addr.Assign(devs);

    const uint16_t port = 9;
    BulkSendHelper src("ns3::TcpSocketFactory", InetSocketAddress(ifs.GetAddress(1), port));
    src.SetAttribute("MaxBytes", UintegerValue(kBytes));
    src.SetAttribute("SendSize", UintegerValue(1448));
    ApplicationContainer srcApp = src.Install(nodes.Get(0));
    srcApp.Start(Seconds(0.0));

    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApp = sink.Install(nodes.Get(1));
    sinkApp.Start(Seconds(0.0));
    sinkApp.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&OnSinkRx));

    for (uint32_t i = 0; i < devs.GetN(); ++i)
    {
        devs.Get(i)->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&OnPhyTxEnd, i));
    }

    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(t1 - t0).count();

    uint64_t sinkTotal = DynamicCast<PacketSink>(sinkApp.Get(0))->GetTotalRx();
    std::printf("pattern=tcp-bulk packets=%llu seconds=%.6f packets_per_second=%.0f\n",
                static_cast<unsigned long long>(g_linkPackets),
                secs,
                g_linkPackets / secs);
    std::printf("sim_completion_s=%.6f sim_end_s=%.6f bytes_received=%llu sock_buf=%u "
                "fwd_packets=%llu rev_packets=%llu complete=%s\n",
                g_doneAt.GetSeconds(),
                Simulator::Now().GetSeconds(),
                static_cast<unsigned long long>(sinkTotal),
                sockBuf,
                static_cast<unsigned long long>(g_dirPackets[0]),
                static_cast<unsigned long long>(g_dirPackets[1]),
                sinkTotal == kBytes ? "yes" : "NO");
    Simulator::Destroy();
    return sinkTotal == kBytes ? 0 : 1;
}
