/* Hand-written: the types of `Resource` for the resources infra/ links. SST writes this file itself only on
   `sst diff`/`dev`/`deploy`, which cannot run without AWS, so it is kept by hand in the shape SST generates
   (sorted names and properties, the link's properties plus `type`); infra/test/resources.test.ts checks it
   against infra. A deploy may rewrite this header; the declarations should come out unchanged. */
/* tslint:disable */
/* eslint-disable */
/* deno-fmt-ignore-file */
/* biome-ignore-all lint: kept in SST's generated format */

import "sst"
declare module "sst" {
  export interface Resource {
    "Api": {
      "type": "sst.aws.ApiGatewayV2"
      "url": string
    }
    "AuthSecret": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "FanOut": {
      "type": "sst.aws.Queue"
      "url": string
    }
    "FanOutDeadLetters": {
      "type": "sst.aws.Queue"
      "url": string
    }
    "Identity": {
      "issuer": string
      "oidcAudience": string
      "oidcIssuer": string
      "oidcJwksUrl": string
      "type": "sst.sst.Linkable"
    }
    "Limits": {
      "connectionsPerUserInRoom": number
      "frameBurst": number
      "framesPerSecond": number
      "membersPerRoom": number
      "reactionsPerMessage": number
      "roomsPerMinute": number
      "sessionsPerMinute": number
      "ticketsPerMinute": number
      "todosPerRoom": number
      "type": "sst.sst.Linkable"
    }
    "Realtime": {
      "managementEndpoint": string
      "type": "sst.aws.ApiGatewayWebSocket"
      "url": string
    }
    "Table": {
      "name": string
      "type": "sst.aws.Dynamo"
    }
    "Web": {
      "type": "sst.aws.StaticSite"
      "url": string
    }
  }
}
export {}
