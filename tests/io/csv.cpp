// Reading CSV files: both layouts (a label column, numeric targets), the dialects users write
// (header, separators, CRLF, blank lines, padding), the values exactly as written, and every
// malformed file rejected with a message naming the file, the line and what was expected.
#include <ctnn/io/csv.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <zlib.h>

namespace {

using Catch::Matchers::Contains;

/// A file with `text` in the temporary folder under a name no other test or process uses,
/// removed at the end of the test.
struct temporary_csv {
  std::string path;
  explicit temporary_csv(const std::string& text) {
    static std::atomic<unsigned> counter{0};
    const std::string name = "ctnn-csv-" + std::to_string(std::random_device{}()) + "-" +
                             std::to_string(counter++) + ".csv";
    path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
  }
  temporary_csv(const temporary_csv&) = delete;
  temporary_csv& operator=(const temporary_csv&) = delete;
  ~temporary_csv() { std::remove(path.c_str()); }
};

/// The message of the ctnn::error that reading `text` as <In, Out> with `options` throws.
template <std::size_t In, std::size_t Out>
void require_error(const std::string& text, const ctnn::io::csv_options& options, const std::string& line,
                   const std::string& words) {
  const temporary_csv file(text);
  INFO("file: " << text);
  REQUIRE_THROWS_WITH((ctnn::io::load_csv<In, Out>(file.path, options)),
                      Contains(file.path + ":" + line + ": ") && Contains(words));
}

}  // namespace

TEST_CASE("load_csv with a label column one-hot encodes the label and keeps the inputs in order", "[io][csv]") {
  SECTION("label last, after a header") {
    const temporary_csv file(
        "sepal_length,sepal_width,petal_length,petal_width,species\n"
        "5.1,3.5,1.4,0.2,0\n"
        "7,3.2,4.7,1.4,1\n"
        "6.3,3.3,6,2.5,2\n");
    const auto iris = ctnn::io::load_csv<4, 3>(file.path, {.header = true, .label_column = 4});
    REQUIRE(iris.size() == 3);
    const float inputs[3][4] = {{5.1f, 3.5f, 1.4f, 0.2f}, {7.0f, 3.2f, 4.7f, 1.4f}, {6.3f, 3.3f, 6.0f, 2.5f}};
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 4; ++j) CHECK(iris.input(i)[j] == inputs[i][j]);  // exact: both round once
      for (std::size_t c = 0; c < 3; ++c) CHECK(iris.target(i)[c] == (c == i ? 1.0f : 0.0f));
    }
  }
  SECTION("label first and in the middle") {
    const temporary_csv file("2,10,20,30\n0,-1,0,-3\n");
    const auto first = ctnn::io::load_csv<3, 4>(file.path, {.label_column = 0});
    REQUIRE(first.size() == 2);
    CHECK(first.input(0)[0] == 10);
    CHECK(first.input(0)[1] == 20);
    CHECK(first.input(0)[2] == 30);
    CHECK(first.target(0)[2] == 1);
    CHECK(first.target(0)[0] + first.target(0)[1] + first.target(0)[3] == 0);
    CHECK(first.input(1)[2] == -3);
    CHECK(first.target(1)[0] == 1);

    const auto middle = ctnn::io::load_csv<3, 31>(file.path, {.label_column = 2});
    CHECK(middle.input(0)[0] == 2);
    CHECK(middle.input(0)[1] == 10);
    CHECK(middle.input(0)[2] == 30);
    CHECK(middle.target(0)[20] == 1);
    CHECK(middle.input(1)[2] == -3);
    CHECK(middle.target(1)[0] == 1);
  }
  SECTION("a label written as a whole decimal number") {
    const temporary_csv file("1.5,2.0\n2.5,+1e0\n");
    const auto data = ctnn::io::load_csv<1, 3>(file.path, {.label_column = 1});
    CHECK(data.target(0)[2] == 1);
    CHECK(data.target(1)[1] == 1);
  }
}

TEST_CASE("load_csv without a label column reads In inputs, then Out targets, exactly", "[io][csv]") {
  const temporary_csv file("1,2,3,4\n5.5,-6e-1,0.25,1E3\n-0.1,+.5,1e-3,123456789\n");
  SECTION("float") {
    const auto data = ctnn::io::load_csv<2, 2>(file.path);
    REQUIRE(data.size() == 3);
    CHECK(data.input(0)[0] == 1.0f);
    CHECK(data.input(0)[1] == 2.0f);
    CHECK(data.target(0)[0] == 3.0f);
    CHECK(data.target(0)[1] == 4.0f);
    CHECK(data.input(1)[0] == 5.5f);
    CHECK(data.input(1)[1] == -6e-1f);
    CHECK(data.target(1)[0] == 0.25f);
    CHECK(data.target(1)[1] == 1e3f);
    CHECK(data.input(2)[0] == -0.1f);
    CHECK(data.input(2)[1] == 0.5f);
    CHECK(data.target(2)[0] == 1e-3f);
    CHECK(data.target(2)[1] == 123456789.0f);
  }
  SECTION("double, read without a detour through float") {
    const auto data = ctnn::io::load_csv<3, 1, double>(file.path);
    CHECK(data.input(1)[1] == -6e-1);
    CHECK(data.input(2)[0] == -0.1);
    CHECK(data.input(2)[2] == 1e-3);
    CHECK(data.target(2)[0] == 123456789.0);
  }
  SECTION("a value too small for float reads as zero") {
    const temporary_csv tiny("1e-50,-1e-60\n");
    const auto data = ctnn::io::load_csv<1, 1>(tiny.path);
    CHECK(data.input(0)[0] == 0.0f);
    CHECK(data.target(0)[0] == 0.0f);
  }
}

TEST_CASE("load_csv reads the dialects of CSV that tools write", "[io][csv]") {
  SECTION("separators ';', tab and space, with padding that is not the separator") {
    const temporary_csv semicolon(" 1 ;\t2;3 \n");
    const auto a = ctnn::io::load_csv<2, 1>(semicolon.path, {.separator = ';'});
    CHECK(a.input(0)[0] == 1);
    CHECK(a.input(0)[1] == 2);
    CHECK(a.target(0)[0] == 3);
    const temporary_csv tab("1\t 2 \t3\n4\t5\t6\n");
    const auto b = ctnn::io::load_csv<2, 1>(tab.path, {.separator = '\t'});
    REQUIRE(b.size() == 2);
    CHECK(b.input(0)[1] == 2);
    CHECK(b.target(1)[0] == 6);
    const temporary_csv space("\t1 2\t\n");
    const auto c = ctnn::io::load_csv<1, 1>(space.path, {.separator = ' '});
    CHECK(c.input(0)[0] == 1);
    CHECK(c.target(0)[0] == 2);
  }
  SECTION("CRLF line ends, a header, no line break at the end") {
    const temporary_csv file("x,y\r\n1,2\r\n3,4");
    const auto data = ctnn::io::load_csv<1, 1>(file.path, {.header = true});
    REQUIRE(data.size() == 2);
    CHECK(data.input(1)[0] == 3);
    CHECK(data.target(1)[0] == 4);
  }
  SECTION("blank lines anywhere, a byte order mark, a header of any width") {
    const temporary_csv file("\xEF\xBB\xBF" "a;b;c;d;e\n\n1,2\n  \n\r\n3,4\n\n\n");
    const auto data = ctnn::io::load_csv<1, 1>(file.path, {.header = true});
    REQUIRE(data.size() == 2);
    CHECK(data.input(0)[0] == 1);
    CHECK(data.target(1)[0] == 4);
    const temporary_csv bom_only_row("\xEF\xBB\xBF" "7,8\n");
    CHECK(ctnn::io::load_csv<1, 1>(bom_only_row.path).input(0)[0] == 7);
  }
  SECTION("gzip-compressed, like load_idx") {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("ctnn-csv-" + std::to_string(std::random_device{}()) + ".csv.gz")).string();
    gzFile out = gzopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    gzputs(out, "1,2\n3,4\n");
    gzclose(out);
    const auto data = ctnn::io::load_csv<1, 1>(path);
    std::remove(path.c_str());
    REQUIRE(data.size() == 2);
    CHECK(data.target(1)[0] == 4);
  }
}

TEST_CASE("load_csv rejects a malformed row with the file, the line and what was wrong", "[io][csv]") {
  const ctnn::io::csv_options labelled{.label_column = 4};
  SECTION("a missing field") {
    require_error<4, 3>("1,2,3,4,0\n5,6,7,1\n", labelled, "2", "expected 5 fields (4 inputs and a label), found 4");
    require_error<2, 1>("1,2,3\n1,2\n", {}, "2", "expected 3 fields (2 inputs and 1 target), found 2");
  }
  SECTION("too many fields") {
    require_error<4, 3>("1,2,3,4,0,9\n", labelled, "1", "expected 5 fields (4 inputs and a label), found 6");
    require_error<1, 2>("1,2,3,\n", {}, "1", "found 4; the line ends with a separator");
  }
  SECTION("another separator than the options say") {
    require_error<2, 1>("x;y;z\n1;2;3\n", {.header = true}, "2",
                        "found 1; the line contains ';': is csv_options::separator ';'?");
  }
  SECTION("text where a number belongs, quoted and truncated") {
    require_error<2, 1>("1,2,3\n\n1,abc,3\n", {}, "3", "field 2: expected a number, found 'abc'");
    require_error<2, 1>("1,,3\n", {}, "1", "field 2: expected a number, found an empty field");
    require_error<2, 1>("1,2,3 4\n", {}, "1", "field 3: expected a number, found '3 4'");
    require_error<2, 1>("1,0x10,3\n", {}, "1", "found '0x10'");
    require_error<1, 1>("1,\"2\"\n", {}, "1", "found '\"2\"'");
    require_error<1, 1>(std::string("1,2\x01\n"), {}, "1", "found '2\\x01'");
    require_error<1, 1>("1," + std::string(100, '7') + "x\n", {}, "1", "found '" + std::string(40, '7') + "'...");
    require_error<1, 1>("1;2,5\n", {.separator = ';'}, "1",
                        "found '2,5' (numbers are read with a decimal point, not a comma)");
  }
  SECTION("NaN and infinity") {
    require_error<2, 1>("1,2,3\n1,nan,3\n", {}, "2", "field 2: expected a finite number, found 'nan'");
    require_error<2, 1>("1,2,-inf\n", {}, "1", "field 3: expected a finite number, found '-inf'");
  }
  SECTION("a number beyond the range of the scalar type") {
    require_error<1, 1>("1e39,0\n", {}, "1", "field 1: expected a number within the range of float, found '1e39'");
    const temporary_csv file("1e400,0\n");
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<1, 1, double>(file.path)),
                        Contains(file.path + ":1: field 1: expected a number within the range of double"));
  }
  SECTION("a label out of range or not a whole number") {
    require_error<4, 3>("1,2,3,4,0\n1,2,3,4,3\n", labelled, "2",
                        "field 5: expected a class label, a whole number from 0 to 2, found '3'");
    require_error<4, 3>("1,2,3,4,-1\n", labelled, "1", "expected a class label, a whole number from 0 to 2, found '-1'");
    require_error<4, 3>("1,2,3,4,1.5\n", labelled, "1", "found '1.5'");
    require_error<4, 3>("1,2,3,4,setosa\n", labelled, "1", "found 'setosa'");
    require_error<4, 3>("1,2,3,4,nan\n", labelled, "1", "found 'nan'");
    require_error<4, 3>("1,2,3,4, \n", labelled, "1", "expected a class label, a whole number from 0 to 2, found an empty field");
  }
  SECTION("a line of separators is a row, not a blank line") {
    require_error<1, 1>("1\t2\n\t\n", {.separator = '\t'}, "2", "field 1: expected a number, found an empty field");
  }
  SECTION("line numbers count every line: header, blank and CRLF lines") {
    require_error<1, 1>("a,b\r\n1,2\r\n\r\n3,x\r\n", {.header = true}, "4", "field 2: expected a number, found 'x'");
  }
}

TEST_CASE("load_csv rejects a file without rows and options no file can satisfy", "[io][csv]") {
  SECTION("missing") {
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<1, 1>("/nonexistent/ctnn.csv")),
                        Contains("/nonexistent/ctnn.csv: no such file"));
  }
  SECTION("a folder") {
    const std::string folder = std::filesystem::temp_directory_path().string();
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<1, 1>(folder)), Contains(folder + ": is a folder"));
  }
  SECTION("empty, only blank lines, only a header") {
    const temporary_csv empty("");
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<4, 3>(empty.path, {.label_column = 4})),
                        Contains(empty.path + ": no data rows (the file is empty); expected rows of 5 fields"));
    const temporary_csv blank("\n \r\n\t\n");
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<2, 1>(blank.path)),
                        Contains(blank.path + ": no data rows (only blank lines); expected rows of 3 fields"));
    const temporary_csv header("a,b,c\n\n");
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<2, 1>(header.path, {.header = true})),
                        Contains(header.path + ": no data rows (only a header line and blank lines)"));
  }
  SECTION("a label column beyond the row, a line break as separator") {
    const temporary_csv file("1,2,3,4,0\n");
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<4, 3>(file.path, {.label_column = 5})),
                        Contains(file.path + ": csv_options::label_column is 5, but a row of 4 inputs and a label "
                                             "has fields 0 to 4"));
    REQUIRE_THROWS_WITH((ctnn::io::load_csv<4, 3>(file.path, {.separator = '\n'})),
                        Contains(file.path + ": csv_options::separator cannot be a line break"));
  }
}
