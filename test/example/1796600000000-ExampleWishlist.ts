import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The example's table (test/example/wishlist-item.entity.ts), as `npm run migration:generate` writes it. */
export class ExampleWishlist1796600000000 implements MigrationInterface {
  name = 'ExampleWishlist1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "example_wishlist_items" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "user_id" bigint NOT NULL, "name" character varying(50) NOT NULL, "price_won" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_1fd087b150ad8afa0e591d27db4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_example_wishlist_items_user" ON "example_wishlist_items"  ("user_id") `);
    await queryRunner.query(
      `ALTER TABLE "example_wishlist_items" ADD CONSTRAINT "FK_example_wishlist_items_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "example_wishlist_items" DROP CONSTRAINT "FK_example_wishlist_items_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_example_wishlist_items_user"`);
    await queryRunner.query(`DROP TABLE "example_wishlist_items"`);
  }
}
