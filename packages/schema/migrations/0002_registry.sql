CREATE TABLE `model_version_tags` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`name`, `version`, `key`),
	FOREIGN KEY (`name`,`version`) REFERENCES `model_versions`(`name`,`version`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_version_tags_key_value` ON `model_version_tags` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text,
	`user_id` text,
	`current_stage` text DEFAULT 'None' NOT NULL,
	`source` text NOT NULL,
	`storage_location` text NOT NULL,
	`run_id` text,
	`run_link` text,
	`status` text DEFAULT 'READY' NOT NULL,
	`status_message` text,
	PRIMARY KEY(`name`, `version`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_versions_last_updated` ON `model_versions` (`last_updated_time`,`name`,`version`);--> statement-breakpoint
CREATE INDEX `model_versions_run_id` ON `model_versions` (`run_id`);--> statement-breakpoint
CREATE TABLE `registered_model_aliases` (
	`name` text NOT NULL,
	`alias` text NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`name`, `alias`),
	FOREIGN KEY (`name`,`version`) REFERENCES `model_versions`(`name`,`version`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `registered_model_aliases_version` ON `registered_model_aliases` (`name`,`version`);--> statement-breakpoint
CREATE TABLE `registered_model_tags` (
	`name` text NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`name`, `key`),
	FOREIGN KEY (`name`) REFERENCES `registered_models`(`name`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `registered_model_tags_key_value` ON `registered_model_tags` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `registered_models` (
	`name` text PRIMARY KEY NOT NULL,
	`creation_time` integer NOT NULL,
	`last_updated_time` integer NOT NULL,
	`description` text,
	`last_version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `registered_models_last_updated` ON `registered_models` (`last_updated_time`);--> statement-breakpoint
CREATE INDEX `registered_models_creation` ON `registered_models` (`creation_time`);