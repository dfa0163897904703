import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class InitialSchema1795241685235 implements MigrationInterface {
  name = 'InitialSchema1795241685235';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "users" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "email" character varying(100) NOT NULL, "password_hash" character varying(60), "name" character varying(10) NOT NULL, "nickname" character varying(10) NOT NULL, "birth_date" date, "address_sido" character varying(50), "address_gugun" character varying(50), "provider" character varying(16) NOT NULL DEFAULT 'local', "provider_user_id" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_users_provider_identity" ON "users"  ("provider", "provider_user_id") WHERE "provider_user_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_users_local_email" ON "users"  ("email") WHERE "provider" = 'local'`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_nickname" ON "users"  ("nickname") `);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL, "user_id" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(32), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_sessions_revoked_at" ON "sessions"  ("revoked_at") WHERE "revoked_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("jti" uuid NOT NULL, "session_id" uuid NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "spent_at" TIMESTAMP WITH TIME ZONE, "replaced_by" uuid, CONSTRAINT "PK_f3752400c98d5c0b3dca54d66d5" PRIMARY KEY ("jti"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_refresh_tokens_session" ON "refresh_tokens"  ("session_id") `);
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_refresh_tokens_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_refresh_tokens_session"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_sessions_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_refresh_tokens_session"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_revoked_at"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_nickname"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_local_email"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_provider_identity"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
