#include "monitor/metric_transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

MetricTransformation Transformation(std::string value) {
  MetricTransformation t;
  t.metric_name = "Latency";
  t.metric_namespace = "App";
  t.metric_value = std::move(value);
  return t;
}

CompiledTransformation CompileOrDie(const MetricTransformation& t, std::string_view pattern) {
  Result<FilterPattern> p = CompileFilterPattern(pattern);
  OT_CHECK(p.ok());
  Result<CompiledTransformation> c = CompiledTransformation::Compile(t, *p);
  EXPECT_THAT(c, IsOk());
  OT_CHECK(c.ok());
  return *c;
}

constexpr std::string_view kEvent =
    R"({"eventName":"GetObject","latency":12.5,"bytes":"2048","user":{"name":"ana","id":7},)"
    R"("ok":true,"text":"slow","nothing":null,"empty":"","list":[1]})";

TEST(MetricTransform, LiteralValueForEveryMatch) {
  const CompiledTransformation t =
      CompileOrDie(Transformation("1"), R"({ $.eventName = "GetObject" })");

  EXPECT_EQ(t.Apply(EventFields(kEvent)), (MetricDatapoint{1.0, {}}));
  EXPECT_EQ(t.Apply(EventFields(R"({"eventName":"PutObject"})")), std::nullopt);
}

TEST(MetricTransform, SelectedValueMustBeNumeric) {
  struct Case {
    std::string value;
    std::optional<double> expected;
  };
  const Case cases[] = {
      {"$.latency", 12.5},      {"$.bytes", 2048.0},         {"$.user.id", 7.0},
      {"$.text", std::nullopt}, {"$.ok", std::nullopt},      {"$.nothing", std::nullopt},
      {"$.user", std::nullopt}, {"$.missing", std::nullopt}, {"-2.5e1", -25.0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    const CompiledTransformation t =
        CompileOrDie(Transformation(c.value), "{ $.eventName = Get* }");

    const std::optional<MetricDatapoint> point = t.Apply(EventFields(kEvent));

    ASSERT_EQ(point.has_value(), c.expected.has_value());
    if (point) {
      EXPECT_EQ(point->value, *c.expected);
    }
  }
}

TEST(MetricTransform, DefaultValueOnlyForEventsThatDoNotMatch) {
  MetricTransformation spec = Transformation("$.latency");
  spec.default_value = 0;
  const CompiledTransformation t = CompileOrDie(spec, R"({ $.eventName = "GetObject" })");
  const CompiledTransformation no_default =
      CompileOrDie(Transformation("1"), R"({ $.eventName = "GetObject" })");
  EventFields other(R"({"eventName":"PutObject"})");

  EXPECT_EQ(t.Apply(other), (MetricDatapoint{0.0, {}}));
  EXPECT_EQ(t.Apply(EventFields(kEvent)), (MetricDatapoint{12.5, {}}));
  EXPECT_EQ(no_default.Apply(other), std::nullopt);
  EXPECT_EQ(t.Evaluate(EventFields("not json"), /*matched=*/false), (MetricDatapoint{0.0, {}}));
}

TEST(MetricTransform, DimensionsTakeTheSelectedFieldsText) {
  MetricTransformation spec = Transformation("1");
  spec.dimensions = {{"User", "$.user.name"}, {"Operation", "$.eventName"}, {"Id", "$.user.id"}};
  const CompiledTransformation t = CompileOrDie(spec, "{ $.latency > 10 }");

  EXPECT_EQ(t.Apply(EventFields(kEvent)),
            (MetricDatapoint{1.0, {{"User", "ana"}, {"Operation", "GetObject"}, {"Id", "7"}}}));
}

TEST(MetricTransform, MissingOrNonScalarDimensionMeansNoDatapoint) {
  for (std::string selector : {"$.missing", "$.nothing", "$.user", "$.list", "$.empty"}) {
    SCOPED_TRACE(selector);
    MetricTransformation spec = Transformation("1");
    spec.dimensions = {{"D", selector}};
    const CompiledTransformation t = CompileOrDie(spec, "{ $.latency > 10 }");

    EXPECT_EQ(t.Apply(EventFields(kEvent)), std::nullopt);
  }
}

TEST(MetricTransform, SpaceDelimitedFieldsByName) {
  MetricTransformation spec = Transformation("$bytes");
  spec.dimensions = {{"Status", "$status"}};
  const CompiledTransformation t =
      CompileOrDie(spec, "[ip, user, username, timestamp, request, status = 2*, bytes]");
  const std::string ok = R"(10.0.0.1 - ana [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 200 1534)";
  const std::string dash = R"(10.0.0.1 - ana [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 204 -)";
  const std::string error =
      R"(10.0.0.1 - ana [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 500 10)";

  EXPECT_EQ(t.Apply(EventFields(ok)), (MetricDatapoint{1534.0, {{"Status", "200"}}}));
  EXPECT_EQ(t.Apply(EventFields(dash)), std::nullopt);
  EXPECT_EQ(t.Apply(EventFields(error)), std::nullopt);
}

TEST(MetricTransform, TermPatternsTakeLiteralValues) {
  const CompiledTransformation t = CompileOrDie(Transformation("3"), "ERROR");

  EXPECT_EQ(t.Apply(EventFields("ERROR disk full")), (MetricDatapoint{3.0, {}}));
}

TEST(MetricTransform, RejectsInvalidTransformations) {
  struct Case {
    std::string_view pattern;
    MetricTransformation spec;
    std::string_view message;
  };
  MetricTransformation with_dims_and_default = Transformation("1");
  with_dims_and_default.default_value = 0;
  with_dims_and_default.dimensions = {{"A", "$.a"}};
  MetricTransformation four_dims = Transformation("1");
  four_dims.dimensions = {{"A", "$.a"}, {"B", "$.b"}, {"C", "$.c"}, {"D", "$.d"}};
  MetricTransformation literal_dim = Transformation("1");
  literal_dim.dimensions = {{"A", "constant"}};
  MetricTransformation duplicate_dim = Transformation("1");
  duplicate_dim.dimensions = {{"A", "$.a"}, {"A", "$.b"}};
  MetricTransformation bad_name = Transformation("1");
  bad_name.metric_name = "a:b";
  MetricTransformation empty_namespace = Transformation("1");
  empty_namespace.metric_namespace = "";
  MetricTransformation bad_unit = Transformation("1");
  bad_unit.unit = "Parsecs";
  const Case cases[] = {
      {"{ $.a = 1 }", with_dims_and_default,
       "Invalid metric transformation: defaultValue cannot be used together with dimensions"},
      {"{ $.a = 1 }", four_dims, "Invalid metric transformation: at most 3 dimensions are allowed"},
      {"{ $.a = 1 }", literal_dim,
       "Invalid metric transformation: dimension 'A' 'constant' must be a field selector such as "
       "$.field or $field"},
      {"{ $.a = 1 }", duplicate_dim, "Invalid metric transformation: duplicate dimension name 'A'"},
      {"{ $.a = 1 }", bad_name,
       "Invalid metric transformation: metricName must not contain ':', '*' or '$'"},
      {"{ $.a = 1 }", empty_namespace,
       "Invalid metric transformation: metricNamespace must be 1 to 255 characters"},
      {"{ $.a = 1 }", bad_unit,
       "Invalid metric transformation: unit 'Parsecs' is not a CloudWatch unit"},
      {"{ $.a = 1 }", Transformation("abc"),
       "Invalid metric transformation: metricValue 'abc' must be a field selector such as "
       "$.field or $field"},
      {"{ $.a = 1 }", Transformation(""),
       "Invalid metric transformation: metricValue must be 1 to 100 characters"},
      {"{ $.a = 1 }", Transformation("$bytes"),
       "Invalid metric transformation: metricValue '$bytes' is not a named field of the filter "
       "pattern"},
      {"[ip, bytes]", Transformation("$size"),
       "Invalid metric transformation: metricValue '$size' is not a named field of the filter "
       "pattern"},
      {"[ip, bytes]", Transformation("$.bytes"),
       "Invalid metric transformation: metricValue '$.bytes' selects a JSON field, but the filter "
       "pattern is not a JSON pattern"},
      {"{ $.a = 1 }", Transformation("$.a[x]"),
       "Invalid metric transformation: metricValue '$.a[x]': Invalid filter pattern at position "
       "5: expected an array index after '['"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    Result<FilterPattern> p = CompileFilterPattern(c.pattern);
    ASSERT_THAT(p, IsOk());

    Result<CompiledTransformation> t = CompiledTransformation::Compile(c.spec, *p);

    ASSERT_THAT(t, HasError(Error::kInvalidParameter));
    EXPECT_EQ(t.status().message(), c.message);
  }
}

TEST(MetricTransform, KeepsTheTransformationAndPattern) {
  MetricTransformation spec = Transformation("1");
  spec.unit = "Count";
  const CompiledTransformation t = CompileOrDie(spec, "ERROR");

  EXPECT_EQ(t.transformation(), spec);
  EXPECT_EQ(t.pattern().text(), "ERROR");
}

}  // namespace
}  // namespace ot::monitor
