import { describe, expect, it } from "vitest";
import { parseRoute, roomHref, roomIdFromLink } from "../../src/router";

const ROOM = "01JABCDEFGHJKMNPQRSTVWXYZ0";

describe("router", () => {
  it("reads the rooms list and a room from the hash", () => {
    expect(parseRoute("")).toEqual({ page: "rooms" });
    expect(parseRoute("#/")).toEqual({ page: "rooms" });
    expect(parseRoute(roomHref(ROOM))).toEqual({ page: "room", roomId: ROOM });
    expect(parseRoute(`#/rooms/${ROOM}/`)).toEqual({ page: "room", roomId: ROOM });
    expect(parseRoute("#/rooms/not-an-id")).toEqual({ page: "not-found" });
    expect(parseRoute("#/elsewhere")).toEqual({ page: "not-found" });
  });

  it("finds the room id in a pasted link or a bare id", () => {
    expect(roomIdFromLink(`https://rooms.example/#/rooms/${ROOM}`)).toBe(ROOM);
    expect(roomIdFromLink(`  ${ROOM.toLowerCase()} `)).toBe(ROOM);
    expect(roomIdFromLink("hello")).toBeNull();
  });
});
