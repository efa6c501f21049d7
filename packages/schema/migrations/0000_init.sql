CREATE TABLE `datasets` (
	`dataset_uuid` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`name` text NOT NULL,
	`digest` text NOT NULL,
	`dataset_source_type` text NOT NULL,
	`dataset_source` text NOT NULL,
	`dataset_schema` text,
	`dataset_profile` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_experiment_name_digest` ON `datasets` (`experiment_id`,`name`,`digest`);--> statement-breakpoint
CREATE TABLE `input_tags` (
	`input_uuid` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`input_uuid`, `name`),
	FOREIGN KEY (`input_uuid`) REFERENCES `inputs`(`input_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `inputs` (
	`input_uuid` text PRIMARY KEY NOT NULL,
	`source_type` text NOT NULL,
	`source_id` text NOT NULL,
	`destination_type` text NOT NULL,
	`destination_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inputs_destination` ON `inputs` (`destination_type`,`destination_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inputs_source_destination` ON `inputs` (`source_type`,`source_id`,`destination_type`,`destination_id`);--> statement-breakpoint
CREATE TABLE `experiment_tags` (
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`experiment_id`, `key`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiment_tags_key_value` ON `experiment_tags` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`experiment_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`artifact_location` text,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`creation_time` integer,
	`last_update_time` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_name_unique` ON `experiments` (`name`);--> statement-breakpoint
CREATE INDEX `experiments_lifecycle_creation` ON `experiments` (`lifecycle_stage`,`creation_time`);--> statement-breakpoint
CREATE INDEX `experiments_last_update` ON `experiments` (`last_update_time`);--> statement-breakpoint
CREATE TABLE `latest_metrics` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` real NOT NULL,
	`timestamp` integer NOT NULL,
	`step` integer NOT NULL,
	`is_nan` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `latest_metrics_key_value` ON `latest_metrics` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`timestamp` integer NOT NULL,
	`value` real NOT NULL,
	`is_nan` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`, `step`, `timestamp`, `value`, `is_nan`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `params` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `params_key_value` ON `params` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `runs` (
	`run_uuid` text PRIMARY KEY NOT NULL,
	`name` text,
	`experiment_id` integer NOT NULL,
	`user_id` text,
	`status` text DEFAULT 'RUNNING' NOT NULL,
	`start_time` integer,
	`end_time` integer,
	`deleted_time` integer,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`artifact_uri` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runs_experiment_start` ON `runs` (`experiment_id`,`lifecycle_stage`,`start_time`,`run_uuid`);--> statement-breakpoint
CREATE TABLE `tags` (
	`run_uuid` text NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`run_uuid`, `key`),
	FOREIGN KEY (`run_uuid`) REFERENCES `runs`(`run_uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tags_key_value` ON `tags` (`key`,`value`);