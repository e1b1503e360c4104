export {
  codePoints,
  displayName,
  type FreeTextRules,
  freeText,
  messageText,
  roomName,
  todoTitle,
} from "./free-text";
