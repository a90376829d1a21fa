// ns-3 event-kernel micro-benchmark (baseline for wiresim).
//
// Usage: kernel_bench <map|heap|list|calendar|priority> [chain_events] [hold_events]
//   defaults: chain_events = 10,000,000, hold_events = 10,000,000
//
// chain: one pending event at a time; each event schedules the next 1 ns later,
//        until chain_events events have executed.
// hold:  100,000 events are scheduled up front at Exp(mean 1 ms) times; each
//        executed event reschedules itself after an Exp(mean 1 ms) delay, so the
//        queue stays at 100,000 pending events. When hold_events events have
//        executed (the 100,000 initial ones included), Simulator::Stop() ends the
//        run immediately (the remaining pending events are discarded by
//        Simulator::Destroy, outside the timed region).
// RNG: std::mt19937_64 seeded 1 + std::exponential_distribution<double>;
//      delays are rounded to the ns-3 default resolution (1 ns).
// Timing: std::chrono::steady_clock around Simulator::Run() only.

#include "ns3/core-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

using namespace ns3;

namespace
{

uint64_t g_executed = 0;
uint64_t g_target = 0;

std::mt19937_64 g_rng(1);
std::exponential_distribution<double> g_exp(1.0 / 1e6); // mean 1e6 ns = 1 ms

inline Time
ExpDelay()
{
    return NanoSeconds(static_cast<int64_t>(g_exp(g_rng) + 0.5));
}

void
ChainEvent()
{
    if (++g_executed < g_target)
    {
        Simulator::Schedule(NanoSeconds(1), &ChainEvent);
    }
}

void
HoldEvent()
{
    if (++g_executed >= g_target)
    {
        Simulator::Stop();
        return;
    }
    Simulator::Schedule(ExpDelay(), &HoldEvent);
}

void
UseScheduler(const std::string& typeName)
{
    ObjectFactory f;
    f.SetTypeId(typeName);
    Simulator::SetScheduler(f);
}

void
Report(const char* pattern, const std::string& name, uint64_t events, double secs)
{
    std::printf("pattern=%s scheduler=%s events=%llu seconds=%.6f events_per_second=%.0f\n",
                pattern,
                name.c_str(),
                static_cast<unsigned long long>(events),
                secs,
                events / secs);
    std::fflush(stdout);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string name = argc > 1 ? argv[1] : "map";
    uint64_t chainEvents = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000ULL;
    uint64_t holdEvents = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10000000ULL;
    const uint64_t holdPending = 100000;

    std::string typeName;
    if (name == "map")
        typeName = "ns3::MapScheduler";
    else if (name == "heap")
        typeName = "ns3::HeapScheduler";
    else if (name == "list")
        typeName = "ns3::ListScheduler";
    else if (name == "calendar")
        typeName = "ns3::CalendarScheduler";
    else if (name == "priority")
        typeName = "ns3::PriorityQueueScheduler";
    else
    {
        std::fprintf(stderr, "unknown scheduler '%s' (map|heap|list|calendar|priority)\n",
                     name.c_str());
        return 2;
    }

    // ---- chain ----
    if (chainEvents > 0)
    {
        UseScheduler(typeName);
        g_executed = 0;
        g_target = chainEvents;
        Simulator::Schedule(NanoSeconds(1), &ChainEvent);
        auto t0 = std::chrono::steady_clock::now();
        Simulator::Run();
        auto t1 = std::chrono::steady_clock::now();
        Report("chain", name, g_executed, std::chrono::duration<double>(t1 - t0).count());
        Simulator::Destroy();
    }

    // ---- hold ----
    if (holdEvents > 0)
    {
        UseScheduler(typeName);
        g_rng.seed(1);
        g_exp.reset();
        g_executed = 0;
        g_target = holdEvents;
        for (uint64_t i = 0; i < holdPending; ++i)
        {
            Simulator::Schedule(ExpDelay(), &HoldEvent);
        }
        auto t0 = std::chrono::steady_clock::now();
        Simulator::Run();
        auto t1 = std::chrono::steady_clock::now();
        Report("hold", name, g_executed, std::chrono::duration<double>(t1 - t0).count());
        Simulator::Destroy();
    }
    return 0;
}
