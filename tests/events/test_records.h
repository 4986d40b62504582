#pragma once

// Sample records and fixture access shared by the events tests.

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ot::events::testing {

// A management event as CloudTrail writes it (records.md §7), compact and in CloudTrail order.
inline constexpr std::string_view kManagementEvent =
    R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEPRINCIPAL1",)"
    R"("arn":"arn:aws:iam::111122223333:user/dana","accountId":"111122223333",)"
    R"("accessKeyId":"AKIDCTSERVERTEST0001","userName":"dana"},"eventTime":"2024-05-01T12:34:57Z",)"
    R"("eventSource":"cloudtrail.amazonaws.com","eventName":"CreateTrail","awsRegion":"eu-central-1",)"
    R"("sourceIPAddress":"203.0.113.17","userAgent":"aws-cli/2.15.30 Python/3.11.8",)"
    R"("requestParameters":{"name":"audit-trail","isMultiRegionTrail":true},)"
    R"("responseElements":{"name":"audit-trail","trailARN":"arn:aws:cloudtrail:eu-central-1:111122223333:trail/audit-trail"},)"
    R"("requestID":"5b1d9c62-0d4e-4c1a-9f63-2f3f1d0a7e11","eventID":"0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30",)"
    R"("readOnly":false,"eventType":"AwsApiCall","managementEvent":true,)"
    R"("recipientAccountId":"111122223333","eventCategory":"Management",)"
    R"("tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",)"
    R"("clientProvidedHostHeader":"cloudtrail.example.internal"}})";

// A data event with resources (records.md §8).
inline constexpr std::string_view kDataEvent =
    R"({"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID01:etl-run-42",)"
    R"("arn":"arn:aws:sts::111122223333:assumed-role/EtlReader/etl-run-42","accountId":"111122223333",)"
    R"("accessKeyId":"ASIAEXAMPLETEMPKEY01","sessionContext":{"sessionIssuer":{"type":"Role",)"
    R"("principalId":"AROAEXAMPLEROLEID01","arn":"arn:aws:iam::111122223333:role/EtlReader",)"
    R"("accountId":"111122223333","userName":"EtlReader"},"attributes":{"creationDate":"2024-05-01T11:58:02Z",)"
    R"("mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T12:00:05Z","eventSource":"s3.amazonaws.com",)"
    R"("eventName":"GetObject","awsRegion":"eu-central-1","sourceIPAddress":"198.51.100.23",)"
    R"("userAgent":"[Boto3/1.34.0]","requestParameters":{"bucketName":"example-data-bucket",)"
    R"("key":"reports/2024/q1.csv"},"responseElements":null,"additionalEventData":{"bytesTransferredIn":0,)"
    R"("bytesTransferredOut":2048},"requestID":"8EXAMPLE2B9K3M1Q","eventID":"c5d4b0a1-3e2f-4b7a-9d1c-0e8f7a6b5c4d",)"
    R"("readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::example-data-bucket/reports/2024/q1.csv"},)"
    R"({"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::example-data-bucket"}],)"
    R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"})";

// An Insights Start record (records.md §9), members in AWS's order.
inline constexpr std::string_view kInsightEvent =
    R"({"eventVersion":"1.11","eventTime":"2024-05-02T03:10:00Z","awsRegion":"eu-central-1",)"
    R"("eventID":"9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","eventType":"AwsCloudTrailInsight",)"
    R"("recipientAccountId":"111122223333","sharedEventID":"1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",)"
    R"("insightDetails":{"state":"Start","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",)"
    R"("insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":0.0416},)"
    R"("insight":{"average":12.0},"insightDuration":1,"baselineDuration":10079}}},"eventCategory":"Insight"})";

inline std::string ReadFixture(std::string_view name) {
  std::ifstream in(std::string(OT_SOURCE_DIR) + "/tests/fixtures/events/" + std::string(name),
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of tests/fixtures/events/generated.jsonl: 200 records from
// `gen_cloudtrail.py --events 200 --seed 7 --format jsonl` plus the rarer identity shapes
// (Root, AwsServiceEvent without a type, console sign-ins, invokedBy) from `--seed 11`.
inline std::vector<std::string> GeneratedRecords() {
  std::vector<std::string> lines;
  std::istringstream in(ReadFixture("generated.jsonl"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace ot::events::testing
