// Dates for fedq-tpchgen: day numbers relative to 1992-01-01 (day 0), formatted once into a table.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace fedq::tpchgen {

constexpr int kStartYear = 1992;
constexpr int kOrderDateSpan = 2406;  // days 1992-01-01 .. 1998-08-02 (ENDDATE - 151 days), inclusive
constexpr int kCurrentDate = 1263;    // 1995-06-17
constexpr int kDateTableSize = 3000;  // covers order date + 121 + 30 days

class DateTable {
  public:
    DateTable() {
        int year = kStartYear, month = 1, day = 1;
        for (int index = 0; index < kDateTableSize; ++index) {
            char* out = text_[static_cast<size_t>(index)].data();
            const int fields[] = {year / 1000, year / 100 % 10, year / 10 % 10, year % 10,
                                  -1,          month / 10,      month % 10,     -1,
                                  day / 10,    day % 10};
            for (int i = 0; i < 10; ++i) out[i] = fields[i] < 0 ? '-' : static_cast<char>('0' + fields[i]);
            out[10] = '\0';
            if (++day > days_in_month(year, month)) {
                day = 1;
                if (++month > 12) {
                    month = 1;
                    ++year;
                }
            }
        }
    }

    std::string_view operator[](int day_number) const {
        return {text_[static_cast<size_t>(day_number)].data(), 10};
    }

  private:
    static int days_in_month(int year, int month) {
        static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month == 2 && leap ? 29 : kDays[month - 1];
    }

    std::vector<std::array<char, 11>> text_ = std::vector<std::array<char, 11>>(kDateTableSize);
};

}  // namespace fedq::tpchgen
