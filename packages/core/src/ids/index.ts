export { idSchema, newId } from "./ids";
export { newSecretToken, SECRET_TOKEN_PATTERN } from "./secret-token";
