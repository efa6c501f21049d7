CREATE TABLE `logged_model_metrics` (
	`model_id` text NOT NULL,
	`metric_name` text NOT NULL,
	`metric_timestamp_ms` integer NOT NULL,
	`metric_step` integer DEFAULT 0 NOT NULL,
	`metric_value` real NOT NULL,
	`is_nan` integer DEFAULT false NOT NULL,
	`run_id` text NOT NULL,
	`dataset_name` text,
	`dataset_digest` text,
	FOREIGN KEY (`model_id`) REFERENCES `logged_models`(`model_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `logged_model_metrics_model_key` ON `logged_model_metrics` (`model_id`,`metric_name`,`metric_step`,`metric_timestamp_ms`);--> statement-breakpoint
CREATE TABLE `logged_model_params` (
	`model_id` text NOT NULL,
	`param_key` text NOT NULL,
	`param_value` text NOT NULL,
	PRIMARY KEY(`model_id`, `param_key`),
	FOREIGN KEY (`model_id`) REFERENCES `logged_models`(`model_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `logged_model_tags` (
	`model_id` text NOT NULL,
	`tag_key` text NOT NULL,
	`tag_value` text NOT NULL,
	PRIMARY KEY(`model_id`, `tag_key`),
	FOREIGN KEY (`model_id`) REFERENCES `logged_models`(`model_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `logged_model_tags_key_value` ON `logged_model_tags` (`tag_key`,`tag_value`);--> statement-breakpoint
CREATE TABLE `logged_models` (
	`model_id` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`name` text NOT NULL,
	`artifact_location` text NOT NULL,
	`creation_timestamp_ms` integer NOT NULL,
	`last_updated_timestamp_ms` integer NOT NULL,
	`status` text DEFAULT 'LOGGED_MODEL_PENDING' NOT NULL,
	`lifecycle_stage` text DEFAULT 'active' NOT NULL,
	`model_type` text,
	`source_run_id` text,
	`status_message` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `logged_models_experiment_creation` ON `logged_models` (`experiment_id`,`lifecycle_stage`,`creation_timestamp_ms`,`model_id`);--> statement-breakpoint
CREATE INDEX `logged_models_source_run` ON `logged_models` (`source_run_id`);--> statement-breakpoint
ALTER TABLE `inputs` ADD `step` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `model_versions` ADD `model_id` text;