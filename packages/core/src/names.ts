/**
 * Random run names in MLflow's shape (`<adjective>-<noun>-<number>`), for runs created without
 * a name. The word lists are our own.
 */
const ADJECTIVES = (
  "amber bold brave bright calm clever crisp curious dapper eager fleet gentle glad golden hardy " +
  "honest jolly keen lively lucid merry nimble noble placid proud quick quiet rare sharp shy silent " +
  "sleek smart steady sunny swift tidy vast warm wise"
).split(" ");
const NOUNS = (
  "ant bass bear bee bird boar cat colt crab crane deer dove eel elk finch fox frog gnu goat hare " +
  "hawk horse ibis jay koala lark lynx mole moth newt otter owl panda quail seal shrew sloth snail " +
  "swan toad trout wolf wren yak zebra"
).split(" ");

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

export function randomRunName(): string {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1000)}`;
}

/** MLflow's run ids: 32 lowercase hex digits (a UUID4 without dashes). */
export function newRunId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

export function newUuid(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
