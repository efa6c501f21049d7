CREATE TABLE `assessments` (
	`assessment_id` text PRIMARY KEY NOT NULL,
	`trace_id` text NOT NULL,
	`name` text NOT NULL,
	`assessment_type` text NOT NULL,
	`value` text NOT NULL,
	`error` text,
	`created_timestamp` integer NOT NULL,
	`last_updated_timestamp` integer NOT NULL,
	`source_type` text NOT NULL,
	`source_id` text,
	`run_id` text,
	`span_id` text,
	`rationale` text,
	`overrides` text,
	`valid` integer DEFAULT true NOT NULL,
	`metadata` text,
	FOREIGN KEY (`trace_id`) REFERENCES `trace_info`(`trace_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `assessments_trace_created` ON `assessments` (`trace_id`,`created_timestamp`);--> statement-breakpoint
CREATE TABLE `spans` (
	`trace_id` text NOT NULL,
	`experiment_id` integer NOT NULL,
	`span_id` text NOT NULL,
	`parent_span_id` text,
	`name` text,
	`type` text,
	`status` text NOT NULL,
	`start_time_unix_nano` text NOT NULL,
	`end_time_unix_nano` text,
	`content` text,
	`content_object` text,
	PRIMARY KEY(`trace_id`, `span_id`),
	FOREIGN KEY (`trace_id`) REFERENCES `trace_info`(`trace_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `trace_info` (
	`trace_id` text PRIMARY KEY NOT NULL,
	`experiment_id` integer NOT NULL,
	`request_time_ms` integer NOT NULL,
	`execution_duration_ms` integer,
	`state` text DEFAULT 'STATE_UNSPECIFIED' NOT NULL,
	`client_request_id` text,
	`request_preview` text,
	`response_preview` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`experiment_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `trace_info_experiment_time` ON `trace_info` (`experiment_id`,`request_time_ms`,`trace_id`);--> statement-breakpoint
CREATE INDEX `trace_info_client_request` ON `trace_info` (`client_request_id`);--> statement-breakpoint
CREATE TABLE `trace_request_metadata` (
	`trace_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`trace_id`, `key`),
	FOREIGN KEY (`trace_id`) REFERENCES `trace_info`(`trace_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `trace_request_metadata_key_value` ON `trace_request_metadata` (`key`,`value`);--> statement-breakpoint
CREATE TABLE `trace_run_links` (
	`trace_id` text NOT NULL,
	`run_id` text NOT NULL,
	PRIMARY KEY(`trace_id`, `run_id`),
	FOREIGN KEY (`trace_id`) REFERENCES `trace_info`(`trace_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `trace_run_links_run` ON `trace_run_links` (`run_id`);--> statement-breakpoint
CREATE TABLE `trace_tags` (
	`trace_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text,
	PRIMARY KEY(`trace_id`, `key`),
	FOREIGN KEY (`trace_id`) REFERENCES `trace_info`(`trace_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `trace_tags_key_value` ON `trace_tags` (`key`,`value`);