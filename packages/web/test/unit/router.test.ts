import { describe, expect, it } from "vitest";
import {
  absoluteLink,
  hrefFromLink,
  inviteHref,
  parseRoute,
  roomHref,
  roomIdFromLink,
} from "../../src/router";

const ROOM = "01JABCDEFGHJKMNPQRSTVWXYZ0";
const CODE = "q3Xk_9-ZpLw2aBcDeFgHiJ";

describe("router", () => {
  it("reads the rooms list, a room and an invite from the hash", () => {
    expect(parseRoute("")).toEqual({ page: "rooms" });
    expect(parseRoute("#/")).toEqual({ page: "rooms" });
    expect(parseRoute(roomHref(ROOM))).toEqual({ page: "room", roomId: ROOM });
    expect(parseRoute(`#/rooms/${ROOM}/`)).toEqual({ page: "room", roomId: ROOM });
    expect(parseRoute(inviteHref(CODE))).toEqual({ page: "invite", code: CODE });
    expect(parseRoute("#/invite/a%2Fb")).toEqual({ page: "not-found" });
    expect(parseRoute("#/invite/%E0%A4%A")).toEqual({ page: "not-found" });
    expect(parseRoute("#/rooms/not-an-id")).toEqual({ page: "not-found" });
    expect(parseRoute("#/elsewhere")).toEqual({ page: "not-found" });
  });

  it("finds the room id in a pasted link or a bare id", () => {
    expect(roomIdFromLink(`https://rooms.example/#/rooms/${ROOM}`)).toBe(ROOM);
    expect(roomIdFromLink(`  ${ROOM.toLowerCase()} `)).toBe(ROOM);
    expect(roomIdFromLink("hello")).toBeNull();
  });

  it("opens pasted invite links as invites and room links as rooms", () => {
    expect(hrefFromLink(` https://rooms.example/app/#/invite/${CODE} `)).toBe(`#/invite/${CODE}`);
    expect(hrefFromLink(`https://rooms.example/#/rooms/${ROOM}`)).toBe(`#/rooms/${ROOM}`);
    expect(hrefFromLink(ROOM.toLowerCase())).toBe(`#/rooms/${ROOM}`);
    expect(hrefFromLink("https://rooms.example/#/invite/")).toBeNull();
  });

  it("builds shareable links from this page's origin and path", () => {
    expect(absoluteLink(inviteHref(CODE), { origin: "https://rooms.example", pathname: "/app/" })).toBe(
      `https://rooms.example/app/#/invite/${CODE}`,
    );
  });
});
