import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { TransactionContendedError } from "../db/retry-transaction";
import { legacyPositions } from "./todo-order";

/** Todos given positions at once while opening a room's list (each is one small transaction). */
const OPENING_CONCURRENCY = 16;

/**
 * Makes the room's todoList item (the todo count the cap is checked against) when a todo write finds it
 * missing: in a room that has never had a todo since positions and the cap existed. Todos stored before then
 * get their positions here (the ones reads already showed: todo-order.ts `legacyPositions`), then the count is
 * stored. Adds and deletes cannot commit while the item is missing (their transactions update it), so the count
 * read here is exact; concurrent openers compute the same positions, and every write is conditional, so the
 * first of each wins and the others change nothing.
 */
export async function openTodoList(db: Db, roomId: string): Promise<void> {
  for (let pass = 0; pass < 4; pass++) {
    const { data: items } = await db.entities.todo.query
      .byRoom({ roomId })
      .go({ pages: "all", consistent: true });
    const positions = [...legacyPositions(items)];
    if (positions.length === 0) {
      await db.entities.todoList
        .create({ roomId, count: items.length })
        .go()
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
      return;
    }
    for (let i = 0; i < positions.length; i += OPENING_CONCURRENCY) {
      await Promise.all(
        positions.slice(i, i + OPENING_CONCURRENCY).map(([todoId, position]) =>
          db.transaction
            .write(({ todo, todoPosition }) => [
              todo
                .patch({ roomId, todoId })
                .set({ position })
                .where((attr, { notExists }) => notExists(attr.position))
                .commit(),
              todoPosition.create({ roomId, position, todoId }).commit(),
            ])
            .go(),
        ),
      );
    }
    // Cancelled ones (another opener was first, or a conflict) show up on the next pass.
  }
  throw new TransactionContendedError("opening the todo list", 4);
}
