export * from "./access";
export * from "./authenticate";
export { ensureAdmin } from "./bootstrap";
export * from "./config";
export * from "./grants";
export * from "./model-access";
export { MIN_PASSWORD_LENGTH, PBKDF2_ITERATIONS, validatePassword, validateUsername } from "./password";
export * from "./permissions";
export * from "./scope";
export * from "./tokens";
export {
  createUser,
  deleteUser,
  findUser,
  getUser,
  getUserRow,
  updateUserAdmin,
  updateUserPassword,
} from "./users";
export * from "./visibility";
