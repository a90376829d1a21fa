// A FIFO of bytes that stays contiguous, so any range can be sent as one span without copying.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wiresim {

class ByteQueue {
 public:
  std::size_t size() const { return data_.size() - head_; }
  bool empty() const { return size() == 0; }
  void append(std::string_view bytes) {
    if (head_ > 0 && head_ >= data_.size() / 2) compact();
    data_.insert(data_.end(), bytes.begin(), bytes.end());
  }
  void consume(std::size_t n) {
    head_ += n < size() ? n : size();
    if (head_ == data_.size()) clear();
  }
  std::span<const std::uint8_t> range(std::size_t offset, std::size_t length) const {
    return {data_.data() + head_ + offset, length};
  }
  void clear() {
    data_.clear();
    head_ = 0;
  }
  void release() { std::vector<std::uint8_t>().swap(data_), head_ = 0; }

 private:
  void compact() {
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  std::vector<std::uint8_t> data_;
  std::size_t head_ = 0;
};

}  // namespace wiresim
