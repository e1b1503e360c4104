import { assertLocalEndpoint } from "@rooms/dynamodb-local";

/**
 * The DynamoDB Streams API of DynamoDB Local (DescribeStream, GetShardIterator, GetRecords), spoken as the JSON
 * protocol it is. No SDK client: @aws-sdk/client-dynamodb-streams is not published in the 3.116x line the rest of
 * the stack pins, and DynamoDB Local checks no signature. Records come back in the wire shape, which is the shape
 * of the records of Lambda's DynamoDB event.
 */
export interface StreamShard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

export interface WireStreamRecord {
  eventID?: string;
  eventName?: string;
  dynamodb?: { SequenceNumber?: string; Keys?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

export type ShardIteratorType = "LATEST" | "TRIM_HORIZON" | "AFTER_SEQUENCE_NUMBER";

export function dynamoDbStreamsApi(endpoint: string) {
  const url = assertLocalEndpoint(endpoint);
  async function call<T>(operation: string, input: object): Promise<T> {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDBStreams_20120810.${operation}`,
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, Signature=local",
      },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as T & { __type?: string; message?: string; Message?: string };
    if (!response.ok) {
      const error = new Error(`${operation}: ${body.message ?? body.Message ?? response.status}`);
      error.name =
        String(body.__type ?? "")
          .split("#")
          .pop() || "DynamoDBStreamsError";
      throw error;
    }
    return body;
  }
  return {
    async shards(streamArn: string): Promise<StreamShard[]> {
      const shards: StreamShard[] = [];
      let start: string | undefined;
      do {
        const { StreamDescription } = await call<{
          StreamDescription: { Shards?: StreamShard[]; LastEvaluatedShardId?: string };
        }>("DescribeStream", { StreamArn: streamArn, ...(start && { ExclusiveStartShardId: start }) });
        shards.push(...(StreamDescription.Shards ?? []));
        start = StreamDescription.LastEvaluatedShardId;
      } while (start);
      return shards;
    },
    async iterator(
      streamArn: string,
      shardId: string,
      type: ShardIteratorType,
      sequenceNumber?: string,
    ): Promise<string | undefined> {
      const { ShardIterator } = await call<{ ShardIterator?: string }>("GetShardIterator", {
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber && { SequenceNumber: sequenceNumber }),
      });
      return ShardIterator;
    },
    async records(
      shardIterator: string,
      limit: number,
    ): Promise<{ records: WireStreamRecord[]; next: string | undefined }> {
      const { Records, NextShardIterator } = await call<{
        Records?: WireStreamRecord[];
        NextShardIterator?: string;
      }>("GetRecords", { ShardIterator: shardIterator, Limit: limit });
      return { records: Records ?? [], next: NextShardIterator };
    },
  };
}

export type DynamoDbStreamsApi = ReturnType<typeof dynamoDbStreamsApi>;
