// A growable, uninitialized byte buffer (like std::vector<uint8_t> without zero-filling), the storage
// under every Column. 64-byte aligned so kernels can use wide loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace fedq {

class Buffer {
public:
    Buffer() = default;
    Buffer(const Buffer& other) { append(other.data_, other.size_); }
    Buffer& operator=(const Buffer& other) {
        if (this != &other) {
            size_ = 0;
            append(other.data_, other.size_);
        }
        return *this;
    }
    Buffer(Buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)),
          capacity_(std::exchange(other.capacity_, 0)) {}
    Buffer& operator=(Buffer&& other) noexcept {
        if (this != &other) {
            std::free(data_);
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
            capacity_ = std::exchange(other.capacity_, 0);
        }
        return *this;
    }
    ~Buffer() { std::free(data_); }

    uint8_t* data() { return data_; }
    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }

    template <typename T>
    T* as() { return reinterpret_cast<T*>(data_); }
    template <typename T>
    const T* as() const { return reinterpret_cast<const T*>(data_); }

    void reserve(size_t bytes) {
        if (bytes <= capacity_) return;
        size_t capacity = capacity_ ? capacity_ : 64;
        while (capacity < bytes) capacity *= 2;
        void* fresh = std::aligned_alloc(64, (capacity + 63) & ~size_t(63));
        if (!fresh) throw std::bad_alloc();
        if (size_) std::memcpy(fresh, data_, size_);
        std::free(data_);
        data_ = static_cast<uint8_t*>(fresh);
        capacity_ = capacity;
    }
    // New bytes are uninitialized.
    void resize(size_t bytes) {
        reserve(bytes);
        size_ = bytes;
    }
    void resize_fill(size_t bytes, uint8_t value) {
        size_t old = size_;
        resize(bytes);
        if (bytes > old) std::memset(data_ + old, value, bytes - old);
    }
    void clear() { size_ = 0; }
    void append(const void* bytes, size_t count) {
        if (!count) return;
        reserve(size_ + count);
        std::memcpy(data_ + size_, bytes, count);
        size_ += count;
    }
    // `value` is taken by copy: callers may pass a reference into this very buffer (the last offset),
    // which reserve() would invalidate.
    template <typename T>
    void push(T value) {
        if (size_ + sizeof(T) > capacity_) reserve(size_ + sizeof(T));
        std::memcpy(data_ + size_, &value, sizeof(T));
        size_ += sizeof(T);
    }

private:
    uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace fedq
