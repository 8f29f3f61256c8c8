#include "newsd/parse/dates.hpp"

#include <gtest/gtest.h>

namespace {

using newsd::parse::format_iso8601;
using newsd::parse::parse_date;

std::string iso(std::string_view text) {
  auto t = parse_date(text);
  return t ? format_iso8601(*t) : "none";
}

struct DateCase {
  const char* input;
  const char* expected;
};

class LenientDates : public ::testing::TestWithParam<DateCase> {};

TEST_P(LenientDates, ParsesToUtc) { EXPECT_EQ(iso(GetParam().input), GetParam().expected) << GetParam().input; }

INSTANTIATE_TEST_SUITE_P(Rfc822, LenientDates,
                         ::testing::Values(DateCase{"Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"},
                                           DateCase{"Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z"},
                                           DateCase{"Fri, 31 Dec 99 23:59:59 +0000", "1999-12-31T23:59:59Z"},
                                           DateCase{"Mon, 15 Mar 89 12:00:00 GMT", "2089-03-15T12:00:00Z"},
                                           DateCase{"Sat, 01 Jan 2005 10:00 EST", "2005-01-01T15:00:00Z"},
                                           DateCase{"Sun, 03 Jul 2005 10:00:00 PDT", "2005-07-03T17:00:00Z"},
                                           DateCase{"Mon, 26 Jan 2004 16:31:00 GMT+3", "2004-01-26T13:31:00Z"},
                                           DateCase{"Mon, 26 Jan 2004 16:31:00 UTC-05:30", "2004-01-26T22:01:00Z"},
                                           DateCase{"Tue, 10 Jun 2003 04:00:00 +0300", "2003-06-10T01:00:00Z"},
                                           DateCase{"Tue, 10 Jun 2003 04:00:00 +03:00", "2003-06-10T01:00:00Z"},
                                           DateCase{"10 Jun 2003", "2003-06-10T00:00:00Z"},
                                           DateCase{"Jun 10 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"},
                                           DateCase{"June 10, 2003 4:05 pm", "2003-06-10T16:05:00Z"},
                                           DateCase{"Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z"},
                                           DateCase{"Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z"},
                                           DateCase{"Wed, 02 Oct 2002 08:00:00 XYZ", "2002-10-02T08:00:00Z"},
                                           DateCase{"Wed, 02 Oct 2002 08:00:00 Etc/GMT", "2002-10-02T08:00:00Z"},
                                           DateCase{"Wed, 02 Oct 2002 08:00:00 +0200 (CEST)", "2002-10-02T06:00:00Z"},
                                           DateCase{"12 mars 2024 10:15 +0100", "2024-03-12T09:15:00Z"},
                                           DateCase{"mardi 12 mars 2024", "2024-03-12T00:00:00Z"},
                                           DateCase{"١٢ مارس ٢٠٢٤ ١٠:١٥ +0300", "2024-03-12T07:15:00Z"},
                                           DateCase{"الخميس، 5 سبتمبر 2024", "2024-09-05T00:00:00Z"}));

INSTANTIATE_TEST_SUITE_P(Iso8601, LenientDates,
                         ::testing::Values(DateCase{"2004-01-01T19:48:21Z", "2004-01-01T19:48:21Z"},
                                           DateCase{"2003-12-31T10:14:55.123-08:00", "2003-12-31T18:14:55Z"},
                                           DateCase{"2003-12-31T10:14:55+0300", "2003-12-31T07:14:55Z"},
                                           DateCase{"2003-12-31T10:14-05", "2003-12-31T15:14:00Z"},
                                           DateCase{"2003-12-31T10:14:55", "2003-12-31T10:14:55Z"},
                                           DateCase{"2003-12-31 10:14:55", "2003-12-31T10:14:55Z"},
                                           DateCase{"2003-12-31", "2003-12-31T00:00:00Z"},
                                           DateCase{"2003-12", "2003-12-01T00:00:00Z"},
                                           DateCase{"2003", "2003-01-01T00:00:00Z"},
                                           DateCase{"20031231T101455Z", "2003-12-31T10:14:55Z"},
                                           DateCase{"20031231", "2003-12-31T00:00:00Z"},
                                           DateCase{"  2003-12-31T10:14:55Z\n", "2003-12-31T10:14:55Z"},
                                           DateCase{"2004-02-29T00:00:00Z", "2004-02-29T00:00:00Z"},
                                           DateCase{"2003-12-31T23:30:00-01:00", "2004-01-01T00:30:00Z"}));

INSTANTIATE_TEST_SUITE_P(Rejected, LenientDates,
                         ::testing::Values(DateCase{"", "none"}, DateCase{"   ", "none"},
                                           DateCase{"not a date", "none"}, DateCase{"2003-02-29", "none"},
                                           DateCase{"2003-13-01", "none"}, DateCase{"31 Feb 2004", "none"},
                                           DateCase{"Thu, 01 Jan 2004 25:00:00 GMT", "none"},
                                           DateCase{"2004-01-01T10:00:00+99:00", "none"},
                                           DateCase{"yesterday at noon", "none"}, DateCase{"Jan 2004", "none"}));

// ISO 8601:2004 shapes beyond W3C-DTF. Expected values worked out from the
// standard: week 1 is the week holding 4 January (2026-01-01 is a Thursday,
// so week 1 starts on 2025-12-29 and 2026 has 53 weeks); day 334 of 2026 is
// 30 November; a fraction belongs to the last component written.
INSTANTIATE_TEST_SUITE_P(
    Iso8601Long, LenientDates,
    ::testing::Values(
        DateCase{"20261130T103000Z", "2026-11-30T10:30:00Z"}, DateCase{"20261130T1030+0100", "2026-11-30T09:30:00Z"},
        DateCase{"20261130T103000.25-0230", "2026-11-30T13:00:00Z"}, DateCase{"2026-11", "2026-11-01T00:00:00Z"},
        DateCase{"2026", "2026-01-01T00:00:00Z"}, DateCase{"2026-11-30T10Z", "2026-11-30T10:00:00Z"},
        DateCase{"2026-334", "2026-11-30T00:00:00Z"}, DateCase{"2026334T103000Z", "2026-11-30T10:30:00Z"},
        DateCase{"2026-334T10:30:00+01:00", "2026-11-30T09:30:00Z"}, DateCase{"2024-366", "2024-12-31T00:00:00Z"},
        DateCase{"2026-W49-1", "2026-11-30T00:00:00Z"}, DateCase{"2026W491T103000Z", "2026-11-30T10:30:00Z"},
        DateCase{"2026-W49", "2026-11-30T00:00:00Z"}, DateCase{"2026-W49-7", "2026-12-06T00:00:00Z"},
        DateCase{"2026-W01-1", "2025-12-29T00:00:00Z"}, DateCase{"2026-W53-7", "2027-01-03T00:00:00Z"},
        DateCase{"2026-W49-1T10:30:00Z", "2026-11-30T10:30:00Z"},
        DateCase{"2026-11-30T10:30:15.999Z", "2026-11-30T10:30:15Z"},
        DateCase{"2026-11-30T10:30.5Z", "2026-11-30T10:30:30Z"}, DateCase{"2026-11-30T10.25Z", "2026-11-30T10:15:00Z"},
        DateCase{"2026-11-30T10,5+01:00", "2026-11-30T09:30:00Z"},
        DateCase{"20261130T1030,75Z", "2026-11-30T10:30:45Z"},
        DateCase{"2026-11-30T10:30:00.1234567890123Z", "2026-11-30T10:30:00Z"},
        DateCase{"2026-11-30T10:30:00+01", "2026-11-30T09:30:00Z"},
        DateCase{"2026-11-30T10:30:00+0130", "2026-11-30T09:00:00Z"},
        DateCase{"2026-11-30T10:30:00-05:00", "2026-11-30T15:30:00Z"},
        DateCase{"2026-11-30T24:00:00Z", "2026-12-01T00:00:00Z"}));

// RFC 822's shape with Greek and Hungarian names (any case, with or without
// accents, genitive Greek months), Hungarian year-first order with periods,
// and Korean blog formats (년/월/일 units, 오전/오후 before the time). No
// zone means UTC, as everywhere else.
INSTANTIATE_TEST_SUITE_P(Rfc822Names, LenientDates,
                         ::testing::Values(DateCase{"Δευ, 30 Νοε 2026 10:30:00 +0200", "2026-11-30T08:30:00Z"},
                                           DateCase{"Δευτέρα, 30 Νοεμβρίου 2026 10:30 EET", "2026-11-30T08:30:00Z"},
                                           DateCase{"ΔΕΥ, 30 ΝΟΕ 2026 10:30:00 GMT", "2026-11-30T10:30:00Z"},
                                           DateCase{"Σάβ, 30 Μαΐου 2026 3:04 μ.μ.", "2026-05-30T15:04:00Z"},
                                           DateCase{"Τρι, 01 Δεκ 2026 09:00:00 +0200", "2026-12-01T07:00:00Z"},
                                           DateCase{"Τετ, 17 Ιουν 2026 12:00:00 +0300", "2026-06-17T09:00:00Z"},
                                           DateCase{"Πέμ, 16 Ιούλ 2026 12:00:00 +0300", "2026-07-16T09:00:00Z"},
                                           DateCase{"hétfő, 30 nov. 2026 10:30:00 +0100", "2026-11-30T09:30:00Z"},
                                           DateCase{"2026. november 30., hétfő 10:30", "2026-11-30T10:30:00Z"},
                                           DateCase{"2026. máj. 5., kedd 08:00:00 +0200", "2026-05-05T06:00:00Z"},
                                           DateCase{"Sze, 2 szept. 2026 14:00:00 GMT", "2026-09-02T14:00:00Z"},
                                           DateCase{"2026. október 1. csütörtök", "2026-10-01T00:00:00Z"},
                                           DateCase{"2026. március 15.", "2026-03-15T00:00:00Z"},
                                           DateCase{"2026년 11월 30일 (월) 10:30:00", "2026-11-30T10:30:00Z"},
                                           DateCase{"2026-11-30 오후 3:04:05", "2026-11-30T15:04:05Z"},
                                           DateCase{"2026-11-30 오전 12:15:00", "2026-11-30T00:15:00Z"},
                                           DateCase{"2026년11월30일 오후 3:04 KST", "2026-11-30T06:04:00Z"},
                                           DateCase{"2026. 11. 30. 오후 3:04", "2026-11-30T15:04:00Z"},
                                           DateCase{"2026/11/30 15:04:05", "2026-11-30T15:04:05Z"},
                                           DateCase{"2026년 11월 30일 월요일", "2026-11-30T00:00:00Z"}));

INSTANTIATE_TEST_SUITE_P(
    RejectedLong, LenientDates,
    ::testing::Values(DateCase{"2026-W54-1", "none"}, DateCase{"2025-W53-1", "none"}, DateCase{"2026-W49-8", "none"},
                      DateCase{"2026-W00-1", "none"}, DateCase{"2026-366", "none"}, DateCase{"2026-000", "none"},
                      DateCase{"2026-11-30T24:30:00Z", "none"}, DateCase{"오후 3:04", "none"},
                      DateCase{"2026년 13월 1일", "none"}, DateCase{"2026-11-30 오후 13:04", "none"},
                      DateCase{"2026-11-30 오후 오전 3:04", "none"}, DateCase{"2026년 2026년 1월 1일", "none"},
                      DateCase{"30 Νοε", "none"}, DateCase{"2026-11-30T10:30.Z", "none"},
                      DateCase{"0000-W01-1", "none"}, DateCase{"99999년 11월 30일", "none"}, DateCase{"2026-W", "none"},
                      DateCase{"2026-W4", "none"}));

TEST(HostileDates, EndlessFractionsAndTokensAreRejectedOrTruncated) {
  EXPECT_EQ(iso("2026-11-30T10:30:00." + std::string(100000, '9') + "Z"), "2026-11-30T10:30:00Z");
  EXPECT_EQ(iso("2026-11-30T10:30." + std::string(100000, '9') + "Z"), "2026-11-30T10:30:59Z");
  std::string many_days;
  for (int i = 0; i < 10000; ++i) many_days += "Δευτέρα ";
  EXPECT_EQ(iso(many_days + "30 Νοε 2026"), "2026-11-30T00:00:00Z");
  EXPECT_EQ(iso(std::string(100000, '\xCE')), "none");  // lone UTF-8 lead bytes
}

TEST(FormatIso8601, PadsEveryField) {
  using namespace std::chrono;
  EXPECT_EQ(format_iso8601(sys_days{year{987} / 3 / 4} + hours{5} + minutes{6} + seconds{7}), "0987-03-04T05:06:07Z");
  EXPECT_EQ(format_iso8601(sys_seconds{seconds{0}}), "1970-01-01T00:00:00Z");
}

TEST(PlausibleDates, WindowRunsFrom1990ToTwoDaysAfterNow) {
  using newsd::parse::is_plausible_date;
  const auto now = *parse_date("2025-06-01T12:00:00Z");
  EXPECT_TRUE(is_plausible_date(*parse_date("1990-01-01T00:00:00Z"), now));
  EXPECT_FALSE(is_plausible_date(*parse_date("1989-12-31T23:59:59Z"), now));
  EXPECT_FALSE(is_plausible_date(*parse_date("1900-01-01"), now));
  EXPECT_TRUE(is_plausible_date(*parse_date("2025-06-03T12:00:00Z"), now));
  EXPECT_FALSE(is_plausible_date(*parse_date("2025-06-03T12:00:01Z"), now));
  EXPECT_FALSE(is_plausible_date(*parse_date("9999-12-31"), now));
}

TEST(PlausibleDates, ImplausibleBecomesAbsent) {
  using newsd::parse::plausible_date;
  const auto now = *parse_date("2025-06-01T12:00:00Z");
  EXPECT_EQ(plausible_date(parse_date("2025-05-31"), now), parse_date("2025-05-31"));
  EXPECT_EQ(plausible_date(parse_date("1970-01-01"), now), std::nullopt);
  EXPECT_EQ(plausible_date(std::nullopt, now), std::nullopt);
}

}  // namespace
